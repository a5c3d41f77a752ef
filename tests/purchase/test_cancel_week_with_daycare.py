"""An admin who cancels a child's camp week cancels that week's daycare slot with it, by default
on the order page and in the JSON API, or keeps it when told to."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from litestar.testing import AsyncTestClient

from cli.processes import build_worker
from rush.config import Settings
from rush.dev.mail_catcher import MailCatcher
from rush.purchase.payments import SimulatedProvider
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.paid_orders import check_out, put_in_cart

Client = AsyncTestClient[Any]
SEVEN = dt.date(2020, 5, 1)
PRICE = 9500
DAYCARE_PRICE = 300
"""What `CatalogueFactory.program` charges for a daycare slot."""


@dataclass(frozen=True)
class WeekWithDaycare:
    order_id: uuid.UUID
    """The order of the week (and of the daycare, unless bought later)."""
    daycare_order_id: uuid.UUID
    week: int
    daycare: int
    """Registration ids of the week and of its daycare slot."""


async def week_with_daycare(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    *,
    daycare_later: bool = False,
) -> WeekWithDaycare:
    """A child paid week 1 and its daycare ("Garde 0"), in one order or the daycare later."""
    camp = await catalogue.program([5, 5], PRICE, daycare_capacities=[5])
    family = await catalogue.family([SEVEN])
    week, daycare = camp.group_ids[0], camp.daycare_ids[0]
    child = family.child_ids
    if daycare_later:
        await put_in_cart(services, family.id, camp.sale_id, child, [week])
        order = await check_out(services, provider, family.id, camp.sale_id)
        await put_in_cart(services, family.id, camp.sale_id, child, [daycare])
        daycare_order = await check_out(services, provider, family.id, camp.sale_id)
    else:
        await put_in_cart(services, family.id, camp.sale_id, child, [week, daycare])
        order = daycare_order = await check_out(services, provider, family.id, camp.sale_id)
    registration = "SELECT id FROM registration WHERE person_id = $1 AND group_id = $2"
    return WeekWithDaycare(
        order.order_id,
        daycare_order.order_id,
        await services.pool.fetchval(registration, child[0], week),
        await services.pool.fetchval(registration, child[0], daycare),
    )


async def statuses(services: Services, *registration_ids: int) -> list[str]:
    """The status of each registration, in the order asked."""
    rows = await services.pool.fetch(
        "SELECT id, status FROM registration WHERE id = ANY($1::bigint[])", list(registration_ids)
    )
    found = {r["id"]: r["status"] for r in rows}
    return [found[i] for i in registration_ids]


async def refunded(services: Services, *order_ids: uuid.UUID) -> int:
    total: int = await services.pool.fetchval(
        "SELECT coalesce(sum(amount_cents), 0)::int FROM refund"
        " WHERE order_id = ANY($1::uuid[]) AND status = 'succeeded'",
        list(set(order_ids)),
    )
    return total


def readable(html: str) -> str:
    return html.replace("\xa0", " ").replace("\u202f", " ").replace("&#39;", "'")


async def deliver_emails(settings: Settings) -> None:
    worker = build_worker(settings, handle_signals=False, burst=True)
    try:
        await worker.main()
    finally:
        await worker.close()


def form_token(html: str) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


async def test_the_order_page_cancels_the_week_and_its_daycare_when_left_checked(
    admin: Client, services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    paid = await week_with_daycare(services, provider, catalogue)
    page = await admin.get(f"/ops/orders/{paid.order_id}")
    assert page.status_code == 200
    assert "Annuler aussi Garde 0" in readable(page.text)
    assert 'name="with_daycare" value="on" checked' in page.text

    answer = await admin.post(
        f"/ops/orders/{paid.order_id}/cancel",
        data={
            "_csrf_token": form_token(page.text),
            "confirmed": "yes",
            "registration_id": str(paid.week),
            "amount": "",
            "with_daycare": "on",
        },
        follow_redirects=False,
    )

    assert answer.status_code in (302, 303)
    assert await statuses(services, paid.week, paid.daycare) == ["cancelled", "cancelled"]
    assert await refunded(services, paid.order_id) == PRICE + DAYCARE_PRICE


async def test_the_order_page_keeps_the_daycare_when_unchecked(
    admin: Client, services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    paid = await week_with_daycare(services, provider, catalogue)
    page = await admin.get(f"/ops/orders/{paid.order_id}")

    answer = await admin.post(  # an unchecked box is not sent at all
        f"/ops/orders/{paid.order_id}/cancel",
        data={
            "_csrf_token": form_token(page.text),
            "confirmed": "yes",
            "registration_id": str(paid.week),
        },
        follow_redirects=False,
    )

    assert answer.status_code in (302, 303)
    assert await statuses(services, paid.week, paid.daycare) == ["cancelled", "active"]
    assert await refunded(services, paid.order_id) == PRICE


async def test_the_api_cancels_a_week_with_its_daycare_by_default_and_once(
    admin: Client, services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    paid = await week_with_daycare(services, provider, catalogue)
    path = f"/api/v1/ops/orders/{paid.order_id}/cancel"
    headers = {"x-csrftoken": admin.cookies["csrftoken"]}

    first = await admin.post(path, headers=headers, json={"registration_id": paid.week})
    again = await admin.post(path, headers=headers, json={"registration_id": paid.week})

    assert first.status_code == 200, first.text
    body = first.json()
    assert sorted(body["registration_ids"]) == sorted([paid.week, paid.daycare])
    assert (body["refund_cents"], body["refunded_cents"]) == (PRICE + DAYCARE_PRICE,) * 2
    assert body["order_status"] == "refunded"
    assert (again.json()["registration_ids"], again.json()["refund_cents"]) == ([], 0)
    assert await refunded(services, paid.order_id) == PRICE + DAYCARE_PRICE


async def test_the_api_keeps_the_daycare_when_asked(
    admin: Client, services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    paid = await week_with_daycare(services, provider, catalogue)

    answer = await admin.post(
        f"/api/v1/ops/orders/{paid.order_id}/cancel",
        headers={"x-csrftoken": admin.cookies["csrftoken"]},
        json={"registration_id": paid.week, "with_daycare": False},
    )

    assert answer.status_code == 200, answer.text
    assert (answer.json()["registration_ids"], answer.json()["refund_cents"]) == (
        [paid.week],
        PRICE,
    )
    assert await statuses(services, paid.week, paid.daycare) == ["cancelled", "active"]


async def test_a_daycare_bought_in_a_later_order_goes_with_its_week_and_is_refunded(
    admin: Client, services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    paid = await week_with_daycare(services, provider, catalogue, daycare_later=True)
    page = await admin.get(f"/ops/orders/{paid.order_id}")
    assert "Annuler aussi Garde 0" in readable(page.text)

    answer = await admin.post(
        f"/api/v1/ops/orders/{paid.order_id}/cancel",
        headers={"x-csrftoken": admin.cookies["csrftoken"]},
        json={"registration_id": paid.week},
    )

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert sorted(body["registration_ids"]) == sorted([paid.week, paid.daycare])
    assert body["refund_cents"] == PRICE + DAYCARE_PRICE
    assert await statuses(services, paid.week, paid.daycare) == ["cancelled", "cancelled"]
    assert await refunded(services, paid.order_id) == PRICE
    assert await refunded(services, paid.daycare_order_id) == DAYCARE_PRICE


async def test_the_confirmation_names_a_daycare_of_another_order_and_one_email_tells_both(
    admin: Client,
    app_settings: Settings,
    catcher: MailCatcher,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
) -> None:
    paid = await week_with_daycare(services, provider, catalogue, daycare_later=True)
    page = await admin.get(f"/ops/orders/{paid.order_id}")
    fields = {
        "_csrf_token": form_token(page.text),
        "registration_id": str(paid.week),
        "with_daycare": "on",
    }

    asked = await admin.post(f"/ops/orders/{paid.order_id}/cancel", data=fields)

    shown = readable(asked.text)
    other_ref = str(paid.daycare_order_id)[:8].upper()
    assert f'Garde 0 (3,00 $) <span class="muted">achetée dans la commande {other_ref}' in shown
    assert "Remboursement sur la carte utilisée pour le paiement : 98,00 $" in shown
    assert await statuses(services, paid.week, paid.daycare) == ["active", "active"]

    done = await admin.post(
        f"/ops/orders/{paid.order_id}/cancel",
        data={**fields, "confirmed": "yes", "amount": "95.00"},
        follow_redirects=False,
    )

    assert done.status_code in (302, 303)
    assert await statuses(services, paid.week, paid.daycare) == ["cancelled", "cancelled"]
    await deliver_emails(app_settings)
    [told] = [m for m in catcher.messages if m["Subject"] == "Annulation de votre inscription"]
    text = told.get_body(("plain",))
    assert isinstance(text, EmailMessage)
    content = text.get_content().replace("\xa0", " ")
    assert "Groupe 1" in content
    assert "Garde 0" in content
    assert "Remboursement : 98,00 $" in content
