"""One family's opening morning through the JSON API, with a real arq worker and SMTP catcher:
queue -> admitted -> hold -> checkout -> paid webhook -> finalize -> registration -> email."""

from __future__ import annotations

import asyncio
import time

import asyncpg
from litestar.testing import AsyncTestClient

from rush.config import Settings
from rush.dev.mail_catcher import MailCatcher
from rush.purchase.payments import SimulatedProvider
from tests.support.api_family import (
    Client,
    admitted_family,
    call,
    open_line_that_does_not_move,
    open_sale,
    run_worker,
    sign_up_with_two_children,
)
from tests.support.catalogue_factory import CatalogueFactory
from web.app import create_app


async def test_a_family_goes_from_the_queue_to_a_confirmed_registration(
    family_client: Client,
    admin_client: Client,
    catalogue: CatalogueFactory,
    provider: SimulatedProvider,
    pool: asyncpg.Pool,
    app_settings: Settings,
    catcher: MailCatcher,
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    camp = await catalogue.program(
        [20, 20], 9500, sale_id=sale_id, ages=(5, 12), daycare_capacities=[10]
    )
    children = await sign_up_with_two_children(family_client)
    await call(admin_client, "post", f"/api/v1/ops/sales/{sale_id}/prepare")

    waiting = await call(family_client, "post", f"/api/v1/sales/{sale_id}/queue")
    assert waiting["state"] == "prequeue"
    await open_sale(admin_client, camp)
    admitted = await call(family_client, "get", f"/api/v1/sales/{sale_id}/queue")
    assert admitted["state"] == "admitted"
    token = admitted["admission_token"]

    cart = await call(
        family_client,
        "post",
        f"/api/v1/sales/{sale_id}/cart/items",
        headers={"rush-admission": token},
        json={
            "person_ids": children,
            "group_ids": [camp.group_ids[0], camp.daycare_ids[0]],
            "options": {"tshirt_size": "6-8"},
        },
    )
    assert len(cart["lines"]) == 4
    assert 0 < cart["expires_in_ms"] <= app_settings.hold_ttl_ms

    order = await call(
        family_client,
        "post",
        f"/api/v1/sales/{sale_id}/checkout",
        headers={"rush-admission": token},
        json={"accept_terms": True, "instalments": 1},
    )
    assert order["status"] == "awaiting_payment"
    ref = order["payment_url"].rsplit("/", 1)[-1]
    webhook = await provider.complete(ref, succeed=True, now_s=int(time.time()))
    for expected in (True, False):  # the provider delivers the same webhook twice
        answer = await call(
            family_client,
            "post",
            "/api/v1/payments/webhook",
            content=webhook.body,
            headers={"rush-signature": webhook.signature_header},
        )
        assert answer == {"recorded": expected}

    await run_worker(app_settings)

    logged = await pool.fetch("SELECT action FROM staff_action ORDER BY id")
    assert [r["action"] for r in logged] == ["prepare", "open"]
    registered = await pool.fetch(
        "SELECT person_id, group_id FROM registration WHERE status = 'active'"
    )
    assert sorted((r["person_id"], r["group_id"]) for r in registered) == sorted(
        (child, group) for child in children for group in (camp.group_ids[0], camp.daycare_ids[0])
    )
    final = await call(family_client, "get", f"/api/v1/orders/{order['order_id']}")
    assert final["status"] == "paid"
    groups = await call(family_client, "get", "/api/v1/groups", params={"program_id": camp.id})
    assert {g["id"]: g["paid"] for g in groups}[camp.group_ids[0]] == 2
    subjects = sorted(m["Subject"] for m in catcher.messages)
    assert subjects == ["Confirmation de votre inscription", "Confirmez votre adresse courriel"]
    email = next(m for m in catcher.messages if "inscription" in m["Subject"])
    assert email["To"] == "famille@example.ca"
    text = email.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Léa Gagnon" in text
    assert text.startswith("Bonjour Julie,")  # the parent, by first name
    assert "196,00" in text
    assert f"{app_settings.public_base_url}/orders/{order['order_id']}" in text
    assert f"{app_settings.public_base_url}/records" in text


async def test_forged_expired_and_other_family_tokens_are_refused(
    family_client: Client, admin_client: Client, catalogue: CatalogueFactory, app_settings: Settings
) -> None:
    camp, children, token = await admitted_family(family_client, admin_client, catalogue, 20)
    sale_id = camp.sale_id
    from rush.room.admission_tokens import AdmissionTokens

    forged = AdmissionTokens("not the secret", 60_000).issue(1, sale_id, int(time.time() * 1000))
    expired = AdmissionTokens(app_settings.signing_key, 1).issue(1, sale_id, 0)
    someone_else = AdmissionTokens(app_settings.signing_key, 600_000).issue(
        999, sale_id, int(time.time() * 1000)
    )
    body = {"person_ids": children[:1], "group_ids": camp.group_ids}
    for bad in (forged, expired, someone_else, token[:-3] + "abc"):
        problem = await call(
            family_client,
            "post",
            f"/api/v1/sales/{sale_id}/cart/items",
            expect=403,
            headers={"rush-admission": bad},
            json=body,
        )
        assert problem["code"] == "invalid_admission"
        assert problem["status"] == 403
    await call(
        family_client,
        "post",
        f"/api/v1/sales/{sale_id}/cart/items",
        headers={"rush-admission": token},
        json=body,
    )


async def test_errors_are_problem_details_in_the_callers_language(
    family_client: Client, catalogue: CatalogueFactory
) -> None:
    await sign_up_with_two_children(family_client)
    sale_id = await catalogue.sale(status="open")
    french = await call(family_client, "get", f"/api/v1/sales/{sale_id + 1000}/queue", expect=404)
    english = await call(
        family_client,
        "get",
        f"/api/v1/sales/{sale_id + 1000}/queue?lang=en",
        expect=404,
        headers={"accept-language": "fr"},
    )
    assert french["code"] == english["code"] == "unknown_sale"
    assert french["detail"] != english["detail"]
    invalid = await call(
        family_client, "post", "/api/v1/family/children", expect=400, json={"first_name": ""}
    )
    assert invalid["code"] == "validation_failed"


async def test_a_family_cannot_reach_staff_controls_or_another_familys_order(
    family_client: Client, catalogue: CatalogueFactory
) -> None:
    await sign_up_with_two_children(family_client)
    sale_id = await catalogue.sale(status="scheduled")
    await call(family_client, "post", f"/api/v1/ops/sales/{sale_id}/open", expect=403)
    await call(
        family_client, "get", "/api/v1/orders/00000000-0000-0000-0000-000000000001", expect=404
    )


async def test_logging_in_gives_a_new_session_id_and_kills_the_old_one(
    family_client: Client, app_settings: Settings
) -> None:
    await sign_up_with_two_children(family_client)
    planted = family_client.cookies.get("rush_session")
    assert planted
    await call(
        family_client,
        "post",
        "/api/v1/auth/login",
        json={"email": "famille@example.ca", "password": "mot de passe 123"},
    )
    fresh = family_client.cookies.get("rush_session")
    assert fresh
    assert fresh != planted
    async with AsyncTestClient(app=create_app(app_settings)) as attacker:
        attacker.cookies.set("rush_session", planted)
        response = await attacker.get("/api/v1/auth/me")
        assert response.status_code == 401


async def test_a_second_device_of_the_family_gets_the_same_place(
    family_client: Client, admin_client: Client, catalogue: CatalogueFactory, app_settings: Settings
) -> None:
    sale_id = await open_line_that_does_not_move(family_client, admin_client, catalogue)
    async with AsyncTestClient(app=create_app(app_settings)) as phone:
        await call(
            phone,
            "post",
            "/api/v1/auth/login",
            json={"email": "famille@example.ca", "password": "mot de passe 123"},
        )
        laptop_place = await call(family_client, "post", f"/api/v1/sales/{sale_id}/queue")
        phone_place = await call(phone, "post", f"/api/v1/sales/{sale_id}/queue")
    assert laptop_place["state"] == phone_place["state"] == "queued"
    assert laptop_place["ticket"] == phone_place["ticket"]
    stats = await call(admin_client, "get", f"/api/v1/ops/sales/{sale_id}/queue")
    assert stats["waiting"] == 1


async def test_a_family_polls_its_place_by_ticket_without_its_session(
    family_client: Client,
    admin_client: Client,
    catalogue: CatalogueFactory,
    app_settings: Settings,
) -> None:
    sale_id = await open_line_that_does_not_move(family_client, admin_client, catalogue)
    joined = await call(family_client, "post", f"/api/v1/sales/{sale_id}/queue")
    assert joined["state"] == "queued"
    standing_url = f"/api/v1/sales/{sale_id}/queue/standing"

    async with AsyncTestClient(app=create_app(app_settings)) as stranger_device:
        polled = await call(
            stranger_device,
            "get",
            standing_url,
            headers={"rush-queue-ticket": joined["ticket_token"]},
        )
        assert (polled["state"], polled["ticket"]) == ("queued", joined["ticket"])
        assert polled["families_ahead"] == joined["families_ahead"]
        assert polled["admission_token"] is None
        assert "rush_session" not in stranger_device.cookies

        await call(
            admin_client, "patch", f"/api/v1/ops/sales/{sale_id}/pace", json={"rate_per_min": 600}
        )
        for _ in range(50):  # the process re-reads the room every quarter second
            polled = await call(
                stranger_device,
                "get",
                standing_url,
                headers={"rush-queue-ticket": joined["ticket_token"]},
            )
            if polled["state"] == "admitted":
                break
            await asyncio.sleep(0.1)
        assert polled["state"] == "admitted"
        assert polled["admission_token"]

        refusals = [
            await stranger_device.get(standing_url),
            await stranger_device.get(standing_url, headers={"rush-queue-ticket": "forged"}),
            await stranger_device.get(
                f"/api/v1/sales/{sale_id}/queue/standing?lang=en",
                headers={"rush-queue-ticket": joined["ticket_token"][:-3] + "abc"},
            ),
        ]
    assert [r.status_code for r in refusals] == [401, 401, 401]
    assert "salle d'attente" in refusals[0].json()["detail"]
    assert "waiting room" in refusals[2].json()["detail"]


async def test_a_full_group_is_refused_at_once_and_the_cart_keeps_nothing(
    family_client: Client,
    admin_client: Client,
    catalogue: CatalogueFactory,
) -> None:
    camp, children, token = await admitted_family(family_client, admin_client, catalogue, 1)
    sale_id = camp.sale_id
    await catalogue.engine.hold(
        camp.id, "cart:someone-else", {camp.group_ids[0]: 1}, 60_000, 60_000
    )

    refused = await call(
        family_client,
        "post",
        f"/api/v1/sales/{sale_id}/cart/items",
        expect=409,
        headers={"rush-admission": token},
        json={"person_ids": children[:1], "group_ids": camp.group_ids},
    )
    cart = await call(family_client, "get", f"/api/v1/sales/{sale_id}/cart")

    assert refused["code"] == "sold_out"
    assert cart["lines"] == []
