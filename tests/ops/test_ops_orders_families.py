"""The admin's family approvals and order cancellations through the ops pages and the API."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from cli.processes import build_worker
from rush.config import Settings
from rush.dev.mail_catcher import MailCatcher
from rush.families.accounts import confirm_email, create_family_account, create_staff_account
from rush.purchase.payments import SimulatedProvider
from rush.room.sales import prepare_room
from rush.room.waiting_room import WaitingRoom
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory, TestProgram
from tests.support.paid_orders import check_out, put_in_cart
from web.app import create_app

Client = AsyncTestClient[Any]
FAMILY_PASSWORD = "correct horse battery staple"  # what CatalogueFactory.family gives
SEVEN = dt.date(2020, 5, 1)
PRICE = 9500


async def logged_in(settings: Settings, email: str, password: str) -> Client:
    client: Client = AsyncTestClient(app=create_app(settings))
    await client.__aenter__()
    await client.get("/api/v1/groups")
    answer = await client.post(
        "/api/v1/auth/login",
        headers=csrf(client),
        json={"email": email, "password": password},
    )
    assert answer.status_code == 200, answer.text
    return client


def csrf(client: Client) -> dict[str, str]:
    return {"x-csrftoken": client.cookies["csrftoken"]}


def form_token(html: str) -> str:
    """The CSRF token the page's own forms carry."""
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


async def deliver_emails(settings: Settings) -> None:
    worker = build_worker(settings, handle_signals=False, burst=True)
    try:
        await worker.main()
    finally:
        await worker.close()


def readable(html: str) -> str:
    return html.replace("\xa0", " ").replace("\u202f", " ").replace("&#39;", "'")


@pytest.fixture
async def admin(settings: Settings, pool: asyncpg.Pool, clean: None) -> AsyncIterator[Client]:
    await create_staff_account(pool, email="admin@ville.qc.ca", password="admin pw 1", role="admin")
    client = await logged_in(settings, "admin@ville.qc.ca", "admin pw 1")
    yield client
    await client.__aexit__(None, None, None)


@pytest.fixture
async def supervisor(settings: Settings, pool: asyncpg.Pool, clean: None) -> AsyncIterator[Client]:
    await create_staff_account(
        pool, email="super@ville.qc.ca", password="super pw 1", role="supervisor"
    )
    client = await logged_in(settings, "super@ville.qc.ca", "super pw 1")
    yield client
    await client.__aexit__(None, None, None)


async def pending_family(pool: asyncpg.Pool, email: str) -> int:
    account = await create_family_account(
        pool,
        email=email,
        password=FAMILY_PASSWORD,
        first_name="Julie",
        last_name="Gagnon",
        needs_approval=True,
    )
    assert account.family_id is not None
    await confirm_email(pool, account.id)  # the approval is what this family waits for
    return account.family_id


async def test_an_approved_family_can_then_join_the_queue_and_is_told_by_email(
    admin: Client,
    settings: Settings,
    app_settings: Settings,
    catcher: MailCatcher,
    pool: asyncpg.Pool,
    redis: Redis,
    catalogue: CatalogueFactory,
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    await prepare_room(pool, WaitingRoom(redis), sale_id)
    family_id = await pending_family(pool, "julie@example.ca")
    family = await logged_in(settings, "julie@example.ca", FAMILY_PASSWORD)
    try:
        refused = await family.post(f"/api/v1/sales/{sale_id}/queue", headers=csrf(family))
        assert refused.json()["code"] == "account_pending"

        listing = await admin.get("/ops/families")
        assert listing.status_code == 200
        assert "julie@example.ca" in listing.text
        assert "Julie Gagnon" in listing.text
        assert f'action="/ops/families/{family_id}/approve"' in listing.text
        approved = await admin.post(
            f"/ops/families/{family_id}/approve",
            data={"_csrf_token": form_token(listing.text)},
            follow_redirects=False,
        )
        assert approved.status_code in (302, 303)

        joined = await family.post(f"/api/v1/sales/{sale_id}/queue", headers=csrf(family))
        assert joined.status_code in (200, 201), joined.text
        assert joined.json()["state"] == "prequeue"
    finally:
        await family.__aexit__(None, None, None)
    after = await admin.get("/ops/families")
    assert f'action="/ops/families/{family_id}/approve"' not in after.text
    assert "Approuvée" in after.text  # under the recent decisions, in French
    logged = await pool.fetchval(
        "SELECT count(*) FROM staff_action WHERE action = 'family_approved'"
        " AND details ->> 'family_id' = $1",
        str(family_id),
    )
    assert logged == 1
    await deliver_emails(app_settings)
    told = [m for m in catcher.messages if m["To"] == "julie@example.ca"]
    assert [m["Subject"] for m in told] == ["Votre dossier familial est approuvé"]


async def test_a_refused_family_stays_out_of_the_queue(
    admin: Client, pool: asyncpg.Pool, clean: None
) -> None:
    family_id = await pending_family(pool, "refus@example.ca")
    listing = await admin.get("/ops/families")

    refused = await admin.post(
        f"/ops/families/{family_id}/refuse",
        data={"_csrf_token": form_token(listing.text), "reason": "Adresse hors de la ville."},
        follow_redirects=False,
    )

    assert refused.status_code in (302, 303)
    assert await pool.fetchval("SELECT status FROM family WHERE id = $1", family_id) == "refused"
    assert "Refusée" in (await admin.get("/ops/families")).text


async def test_a_decision_without_the_csrf_token_is_refused(
    admin: Client, pool: asyncpg.Pool, clean: None
) -> None:
    family_id = await pending_family(pool, "csrf@example.ca")

    answer = await admin.post(f"/ops/families/{family_id}/approve", follow_redirects=False)

    assert answer.status_code == 403
    assert await pool.fetchval("SELECT status FROM family WHERE id = $1", family_id) == "pending"


async def paid_order(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    camp: TestProgram,
) -> tuple[int, uuid.UUID, list[int]]:
    """A family whose child paid two groups of the camp: (family, order, registrations)."""
    family = await catalogue.family([SEVEN])
    await put_in_cart(services, family.id, camp.sale_id, family.child_ids, camp.group_ids)
    order = await check_out(services, provider, family.id, camp.sale_id)
    rows = await services.pool.fetch(
        "SELECT r.id FROM registration r JOIN order_line ol ON ol.id = r.order_line_id"
        " WHERE ol.order_id = $1 ORDER BY r.id",
        order.order_id,
    )
    return family.id, order.order_id, [r["id"] for r in rows]


async def test_supervisors_and_families_cannot_reach_approvals_or_cancellations(
    supervisor: Client,
    settings: Settings,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
) -> None:
    camp = await catalogue.program([5, 5], PRICE)
    family_id, order_id, _ = await paid_order(services, provider, catalogue, camp)
    email = await services.pool.fetchval(
        "SELECT email::text FROM account WHERE family_id = $1", family_id
    )
    family = await logged_in(settings, email, FAMILY_PASSWORD)
    try:
        for client in (supervisor, family):
            for path in ("/ops/families", "/ops/orders", f"/ops/orders/{order_id}"):
                assert (await client.get(path)).status_code == 403, path
            cancel = await client.post(
                f"/api/v1/ops/orders/{order_id}/cancel", headers=csrf(client), json={}
            )
            assert cancel.status_code == 403
            approve = await client.post(f"/ops/families/{family_id}/approve", headers=csrf(client))
            assert approve.status_code == 403
    finally:
        await family.__aexit__(None, None, None)
    active = await services.pool.fetchval(
        "SELECT count(*) FROM registration WHERE status = 'active'"
    )
    assert active == 2


async def test_the_admin_finds_an_order_by_email_last_name_or_number(
    admin: Client, services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([5, 5], PRICE)
    family_id, order_id, _ = await paid_order(services, provider, catalogue, camp)
    await services.pool.execute(
        "UPDATE person SET last_name = 'Bouchard' WHERE family_id = $1", family_id
    )
    email = await services.pool.fetchval(
        "SELECT email::text FROM account WHERE family_id = $1", family_id
    )
    link = f'href="/ops/orders/{order_id}"'

    for q in (email.upper(), "bouch", str(order_id)[:8].upper()):
        found = await admin.get("/ops/orders", params={"q": q})
        assert found.status_code == 200
        assert link in found.text, q
    nothing = await admin.get("/ops/orders", params={"q": "Lavoie"})
    assert link not in nothing.text


async def test_the_admin_cancels_one_registration_and_the_family_sees_it_cancelled(
    admin: Client,
    settings: Settings,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
) -> None:
    camp = await catalogue.program([5, 5], PRICE)
    family_id, order_id, (first, second) = await paid_order(services, provider, catalogue, camp)
    page = await admin.get(f"/ops/orders/{order_id}")
    assert page.status_code == 200
    assert f'name="registration_id" value="{second}"' in page.text
    assert "Montant encore remboursable : 190,00 $" in readable(page.text)

    answer = await admin.post(
        f"/ops/orders/{order_id}/cancel",
        data={
            "_csrf_token": form_token(page.text),
            "confirmed": "yes",
            "registration_id": str(second),
            "amount": "20,00",
        },
        follow_redirects=False,
    )

    assert answer.status_code in (302, 303)
    after = readable((await admin.get(f"/ops/orders/{order_id}")).text)
    assert "Annulée le" in after
    assert "Inscription active" in after  # the other place is kept
    assert "20,00 $ — remboursé le" in after
    # The rest of the payment can still go back, for the other place.
    assert "Montant encore remboursable : 170,00 $" in after
    assert f'name="registration_id" value="{second}"' not in after
    freed = await services.pool.fetchval("SELECT group_id FROM registration WHERE id = $1", second)
    kept = await services.pool.fetchval("SELECT group_id FROM registration WHERE id = $1", first)
    places = (await services.engine.places(camp.id, camp.group_ids)).groups
    assert (places[freed].paid, places[kept].paid) == (0, 1)
    logged = await services.pool.fetchval(
        "SELECT details FROM staff_action WHERE action = 'cancel_places'"
    )
    assert f'"registration_ids": [{second}]' in logged

    email = await services.pool.fetchval(
        "SELECT email::text FROM account WHERE family_id = $1", family_id
    )
    family = await logged_in(settings, email, FAMILY_PASSWORD)
    try:
        records = readable((await family.get("/records")).text)
    finally:
        await family.__aexit__(None, None, None)
    assert records.count("Annulée le") == 1
    assert "Groupe 2" in records


async def test_a_refund_above_the_price_is_refused_with_a_french_message(
    admin: Client, services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([5, 5], PRICE)
    _, order_id, (first, _second) = await paid_order(services, provider, catalogue, camp)
    page = await admin.get(f"/ops/orders/{order_id}")

    too_much = await admin.post(
        f"/ops/orders/{order_id}/cancel",
        data={"_csrf_token": form_token(page.text), "registration_id": str(first), "amount": "96"},
    )
    garbled = await admin.post(
        f"/ops/orders/{order_id}/cancel",
        data={"_csrf_token": form_token(page.text), "registration_id": str(first), "amount": "1e3"},
    )

    assert too_much.status_code == 422
    assert "Le remboursement ne peut être négatif" in readable(too_much.text)
    assert garbled.status_code == 400
    assert (
        await services.pool.fetchval("SELECT count(*) FROM registration WHERE status = 'active'")
        == 2
    )


async def test_the_api_cancels_the_whole_order_once(
    admin: Client, services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([5, 5], PRICE)
    _, order_id, registrations = await paid_order(services, provider, catalogue, camp)
    path = f"/api/v1/ops/orders/{order_id}/cancel"

    first = await admin.post(path, headers=csrf(admin), json={})
    again = await admin.post(path, headers=csrf(admin), json={})

    assert first.status_code == 200, first.text
    body = first.json()
    assert body["registration_ids"] == registrations
    assert (body["refund_cents"], body["refunded_cents"], body["order_status"]) == (
        2 * PRICE,
        2 * PRICE,
        "refunded",
    )
    assert again.json()["registration_ids"] == []
    assert (again.json()["refund_cents"], again.json()["refunded_cents"]) == (0, 0)
    refunded = await services.pool.fetchval(
        "SELECT sum(amount_cents) FROM refund WHERE order_id = $1", order_id
    )
    assert refunded == 2 * PRICE
    unknown = await admin.post(
        f"/api/v1/ops/orders/{order_id}/cancel",
        headers=csrf(admin),
        json={"registration_id": 999_999},
    )
    assert (unknown.status_code, unknown.json()["code"]) == (404, "registration_not_found")
