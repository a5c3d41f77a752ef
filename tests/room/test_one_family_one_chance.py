"""One family, one chance: a child claimed by a second family gets no second ticket, no place
in a second cart, and staff see who to call; and no ticket before the email is confirmed."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from rush.config import Settings
from rush.db import create_pool
from rush.families.account_tokens import TokenPurpose, issue_token
from tests.support.api_family import Client, call, sign_up_and_log_in
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.forms import csrf_of
from web.app import create_app

HEALTH_NUMBER = "TREM 2055 0112"


async def _sign_up(client: Client, email: str, child: dict[str, Any]) -> int:
    """A family with one child, signed in; the child's id."""
    await sign_up_and_log_in(client, email, "Parent", "Test")
    added = await call(client, "post", "/api/v1/family/children", expect=201, json=child)
    child_id: int = added["id"]
    return child_id


LEA = {"first_name": "Léa", "last_name": "Gagnon", "birth_date": "2019-04-02"}


async def _prepared_sale(admin: Client, catalogue: CatalogueFactory) -> tuple[int, list[int]]:
    sale_id = await catalogue.sale(status="scheduled")
    camp = await catalogue.program([5], sale_id=sale_id, ages=(5, 12))
    await call(admin, "post", f"/api/v1/ops/sales/{sale_id}/prepare")
    return sale_id, camp.group_ids


async def test_a_second_family_with_the_same_child_is_refused_a_ticket_and_flagged(
    family_client: Client, admin_client: Client, catalogue: CatalogueFactory, app_settings: Settings
) -> None:
    sale_id, _ = await _prepared_sale(admin_client, catalogue)
    await _sign_up(family_client, "mere@example.ca", LEA)
    first = await call(family_client, "post", f"/api/v1/sales/{sale_id}/queue")
    assert first["state"] == "prequeue"

    async with AsyncTestClient(app=create_app(app_settings)) as father:
        same_child = {"first_name": "  LEA ", "last_name": "gagnon", "birth_date": "2019-04-02"}
        await _sign_up(father, "pere@example.ca", same_child)
        refused = await call(father, "post", f"/api/v1/sales/{sale_id}/queue", expect=409)
        in_english = await call(
            father, "post", f"/api/v1/sales/{sale_id}/queue?lang=en", expect=409
        )
        standing = await call(father, "get", f"/api/v1/sales/{sale_id}/queue")

    assert refused["code"] == "child_claimed_elsewhere"
    assert "appelez le Service des loisirs au 418 555-0100" in refused["detail"]
    assert "call the recreation department at 418 555-0100" in in_english["detail"]
    assert standing["state"] != "prequeue"
    stats = await call(admin_client, "get", f"/api/v1/ops/sales/{sale_id}/queue")
    assert stats["prequeue"] == 1
    staff_page = await admin_client.get("/ops/families")
    flags = staff_page.text.split('id="duplicate-children"')[1].split("</section>")[0]
    assert "pere@example.ca" in flags
    assert "mere@example.ca" in flags
    assert flags.count("data-flagged-family") == 1  # asked twice, flagged once


async def test_the_same_health_card_number_under_another_name_is_the_same_child(
    family_client: Client, admin_client: Client, catalogue: CatalogueFactory, app_settings: Settings
) -> None:
    sale_id, _ = await _prepared_sale(admin_client, catalogue)
    await _sign_up(
        family_client, "mere@example.ca", {**LEA, "health_insurance_number": HEALTH_NUMBER}
    )
    await call(family_client, "post", f"/api/v1/sales/{sale_id}/queue")

    async with AsyncTestClient(app=create_app(app_settings)) as father:
        renamed = {
            "first_name": "Léa-Rose",
            "last_name": "Tremblay",
            "birth_date": "2019-04-02",
            "health_insurance_number": "trem-2055-0112",
        }
        await _sign_up(father, "pere@example.ca", renamed)
        refused = await call(father, "post", f"/api/v1/sales/{sale_id}/queue", expect=409)

    assert refused["code"] == "child_claimed_elsewhere"


async def test_the_queue_page_tells_the_second_family_whom_to_call(
    family_client: Client, admin_client: Client, catalogue: CatalogueFactory, app_settings: Settings
) -> None:
    sale_id, _ = await _prepared_sale(admin_client, catalogue)
    await _sign_up(family_client, "mere@example.ca", LEA)
    await call(family_client, "post", f"/api/v1/sales/{sale_id}/queue")

    async with AsyncTestClient(app=create_app(app_settings)) as father:
        await _sign_up(father, "pere@example.ca", LEA)
        queue_page = await father.get(f"/sales/{sale_id}/queue")
        refused = await father.post(
            f"/sales/{sale_id}/queue", data={"_csrf_token": csrf_of(queue_page.text)}
        )

    assert refused.status_code == 409
    assert "Cet enfant est déjà inscrit dans la file" in refused.text
    assert "418 555-0100" in refused.text


async def test_a_child_held_by_one_family_cannot_enter_another_family_s_cart(
    family_client: Client, admin_client: Client, catalogue: CatalogueFactory, app_settings: Settings
) -> None:
    sale_id, group_ids = await _prepared_sale(admin_client, catalogue)
    await _sign_up(family_client, "mere@example.ca", LEA)
    await call(family_client, "post", f"/api/v1/sales/{sale_id}/queue")

    async with AsyncTestClient(app=create_app(app_settings)) as father:
        child_id = await _sign_up(father, "pere@example.ca", LEA)
        refused = await call(
            father,
            "post",
            f"/api/v1/sales/{sale_id}/cart/items",
            expect=409,
            json={"person_ids": [child_id], "group_ids": group_ids},
        )
        cart = await call(father, "get", f"/api/v1/sales/{sale_id}/cart")

    assert refused["code"] == "child_claimed_elsewhere"
    assert cart["lines"] == []


async def test_a_child_in_one_family_s_cart_gives_another_family_no_ticket(
    family_client: Client, admin_client: Client, catalogue: CatalogueFactory, app_settings: Settings
) -> None:
    sale_id, group_ids = await _prepared_sale(admin_client, catalogue)
    child_id = await _sign_up(family_client, "mere@example.ca", LEA)
    await call(
        family_client,
        "post",
        f"/api/v1/sales/{sale_id}/cart/items",
        json={"person_ids": [child_id], "group_ids": group_ids},
    )
    again = await call(family_client, "post", f"/api/v1/sales/{sale_id}/queue")

    async with AsyncTestClient(app=create_app(app_settings)) as father:
        await _sign_up(father, "pere@example.ca", LEA)
        refused = await call(father, "post", f"/api/v1/sales/{sale_id}/queue", expect=409)
        other_child = {"first_name": "Noah", "last_name": "Gagnon", "birth_date": "2017-08-30"}
        async with AsyncTestClient(app=create_app(app_settings)) as neighbour:
            await _sign_up(neighbour, "voisin@example.ca", other_child)
            neighbour_place = await call(neighbour, "post", f"/api/v1/sales/{sale_id}/queue")

    assert again["state"] == "prequeue"  # the family's own claim does not stop it
    assert refused["code"] == "child_claimed_elsewhere"
    assert neighbour_place["state"] == "prequeue"


async def _confirmation_link(settings: Settings, email: str) -> str:
    """A confirmation link of the kind the sign-up email carries."""
    pool = await create_pool(settings.database_url, min_size=1, max_size=1)
    try:
        account_id = await pool.fetchval("SELECT id FROM account WHERE email = $1", email)
        token = await issue_token(pool, account_id, TokenPurpose.CONFIRM_EMAIL)
    finally:
        await pool.close()
    return f"/confirm-email?token={token}"


async def test_an_account_joins_a_queue_only_once_its_email_is_confirmed(
    family_client: Client, admin_client: Client, catalogue: CatalogueFactory, app_settings: Settings
) -> None:
    sale_id, _ = await _prepared_sale(admin_client, catalogue)
    await sign_up_and_log_in(family_client, "neuve@example.ca", "Parent", "Test", confirmed=False)
    await call(family_client, "post", "/api/v1/family/children", expect=201, json=LEA)

    refused = await call(family_client, "post", f"/api/v1/sales/{sale_id}/queue", expect=403)
    in_english = await call(
        family_client, "post", f"/api/v1/sales/{sale_id}/queue?lang=en", expect=403
    )
    link = await _confirmation_link(app_settings, "neuve@example.ca")
    confirmed = await family_client.get(link)
    joined = await call(family_client, "post", f"/api/v1/sales/{sale_id}/queue")

    assert confirmed.status_code == 200
    assert refused["code"] == "email_not_confirmed"
    assert "Confirmez votre adresse courriel" in refused["detail"]
    assert "open the link in the email" in in_english["detail"]
    assert joined["state"] == "prequeue"
