"""A signed webhook counts only if it is what Rush asked the provider for (issue 15): the
payment, the provider payment, the amount and the currency must match, or the event is kept
as rejected, the order is not touched, and the audit lists it."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from rush.config import Settings
from rush.ops.audit import AuditReport, run_audit
from rush.purchase.payment_retry import pay_again
from rush.purchase.payments import SimulatedProvider, WebhookEvent
from rush.purchase.payments.provider import WebhookKind
from rush.purchase.payments.signing import SIGNATURE_HEADER, sign
from rush.services import Services
from tests.ops.test_audit_cli import last_json, rush_audit
from tests.support.api_family import run_worker
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.paid_orders import check_out, put_in_cart
from web.app import create_app

Client = AsyncTestClient[Any]
WEBHOOK_URL = "/api/v1/payments/webhook"


@dataclass(frozen=True)
class OpenOrder:
    """A 95 $ order whose family opened the provider's page, nothing paid yet."""

    order_id: uuid.UUID
    sale_id: int
    family_id: int
    payment_id: uuid.UUID
    ref: str


@pytest.fixture
async def web(app_settings: Settings, services: Services) -> AsyncIterator[Client]:
    """The app as the provider reaches it: no session, no CSRF token."""
    async with AsyncTestClient(app=create_app(app_settings)) as client:
        yield client


async def open_order(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> OpenOrder:
    program = await catalogue.program([3], 9500)
    family = await catalogue.family([dt.date(2019, 4, 2)])
    await put_in_cart(services, family.id, program.sale_id, family.child_ids, program.group_ids)
    result = await check_out(services, provider, family.id, program.sale_id, paid=False)
    assert result.payment_url is not None
    payment_id = await services.pool.fetchval(
        "SELECT id FROM payment WHERE order_id = $1 AND instalment = 1", result.order_id
    )
    return OpenOrder(
        result.order_id,
        program.sale_id,
        family.id,
        payment_id,
        result.payment_url.rsplit("/", 1)[-1],
    )


def event_for(
    order: OpenOrder,
    event_id: str,
    *,
    kind: WebhookKind = "payment.succeeded",
    amount_cents: int = 9500,
    **changes: Any,
) -> WebhookEvent:
    """An event about the order's payment, as a sender who knows the webhook secret writes it."""
    event = WebhookEvent(
        event_id=event_id,
        kind=kind,
        payment_ref=order.ref,
        payment_id=order.payment_id,
        amount_cents=amount_cents,
        occurred_at_s=int(time.time()),
    )
    return msgspec.structs.replace(event, **changes)


async def post_signed(web: Client, settings: Settings, body: bytes) -> dict[str, Any]:
    """POST a body signed with the webhook secret; the endpoint must answer 200."""
    header = sign(settings.webhook_secret, body, int(time.time()))
    response = await web.post(
        WEBHOOK_URL,
        content=body,
        headers={SIGNATURE_HEADER: header, "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def send(web: Client, settings: Settings, event: WebhookEvent) -> dict[str, Any]:
    return await post_signed(web, settings, msgspec.json.encode(event))


async def pay_for_real(
    web: Client, provider: SimulatedProvider, order: OpenOrder
) -> dict[str, Any]:
    """The family pays on the provider's page and the provider's own webhook reaches Rush."""
    webhook = await provider.complete(order.ref, succeed=True, now_s=int(time.time()))
    response = await web.post(
        WEBHOOK_URL, content=webhook.body, headers={SIGNATURE_HEADER: webhook.signature_header}
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def order_state(services: Services, order: OpenOrder) -> tuple[str, str, int]:
    """(order status, payment status, active registrations) as Postgres has them."""
    row = await services.pool.fetchrow(
        "SELECT o.status AS order_status, p.status AS payment_status,"
        "       (SELECT count(*) FROM registration r JOIN order_line ol ON ol.id = r.order_line_id"
        "         WHERE ol.order_id = o.id AND r.status = 'active')::int AS registered"
        "  FROM orders o JOIN payment p ON p.order_id = o.id AND p.instalment = 1"
        " WHERE o.id = $1",
        order.order_id,
    )
    assert row is not None
    return row["order_status"], row["payment_status"], row["registered"]


async def audit(services: Services, sale_id: int | None = None) -> AuditReport:
    return await run_audit(services.pool, services.redis, services.settings, sale_id)


async def test_a_signed_one_cent_success_for_a_95_dollar_order_changes_nothing_and_is_counted(
    web: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    app_settings: Settings,
) -> None:
    order = await open_order(services, provider, catalogue)
    forged = event_for(order, "evt_forged_one_cent", amount_cents=1)

    answers = [await send(web, app_settings, forged) for _ in range(2)]
    await run_worker(app_settings)
    report = await audit(services, order.sale_id)

    assert answers == [{"recorded": False}] * 2
    assert await order_state(services, order) == ("awaiting_payment", "pending", 0)
    assert [(r.event_id, r.reason, r.amount_cents) for r in report.rejected] == [
        ("evt_forged_one_cent", "amount_mismatch", 1)
    ]
    assert report.rejected[0].order_id == order.order_id
    assert report.summary()["rejected_webhooks"] == 1
    assert report.clean, report  # nothing was sold, charged or lost: it is listed, not failed


async def test_a_rejected_event_does_not_stop_the_real_payment_from_paying(
    web: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    app_settings: Settings,
) -> None:
    order = await open_order(services, provider, catalogue)
    await send(web, app_settings, event_for(order, "evt_forged_one_cent", amount_cents=1))

    paid = await pay_for_real(web, provider, order)
    again = await pay_for_real(web, provider, order)  # the provider redelivers
    await run_worker(app_settings)
    report = await audit(services, order.sale_id)

    assert (paid, again) == ({"recorded": True}, {"recorded": False})
    assert await order_state(services, order) == ("paid", "succeeded", 1)
    assert [r.event_id for r in report.rejected] == ["evt_forged_one_cent"]
    assert report.clean, report


async def test_a_valid_event_still_pays_and_nothing_is_rejected(
    web: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    app_settings: Settings,
) -> None:
    order = await open_order(services, provider, catalogue)

    answer = await send(web, app_settings, event_for(order, "evt_genuine", currency="CAD"))
    await run_worker(app_settings)
    report = await audit(services)

    assert answer == {"recorded": True}
    assert await order_state(services, order) == ("paid", "succeeded", 1)
    assert report.rejected == []
    assert report.summary()["rejected_webhooks"] == 0


async def test_a_success_in_another_currency_changes_nothing(
    web: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    app_settings: Settings,
) -> None:
    order = await open_order(services, provider, catalogue)

    answer = await send(web, app_settings, event_for(order, "evt_in_usd", currency="usd"))
    await run_worker(app_settings)
    report = await audit(services, order.sale_id)

    assert answer == {"recorded": False}
    assert await order_state(services, order) == ("awaiting_payment", "pending", 0)
    assert [(r.reason, r.currency) for r in report.rejected] == [("wrong_currency", "usd")]


async def test_an_event_for_an_unknown_payment_is_rejected_and_listed_in_the_whole_audit(
    web: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    app_settings: Settings,
) -> None:
    order = await open_order(services, provider, catalogue)
    stranger = uuid.uuid4()

    answer = await send(web, app_settings, event_for(order, "evt_stranger", payment_id=stranger))
    await run_worker(app_settings)
    everything = await audit(services)
    one_sale = await audit(services, order.sale_id)

    assert answer == {"recorded": False}
    assert await order_state(services, order) == ("awaiting_payment", "pending", 0)
    assert [(r.reason, r.payment_id, r.order_id) for r in everything.rejected] == [
        ("unknown_payment", stranger, None)
    ]
    assert one_sale.rejected == []  # a payment Rush does not know belongs to no sale


async def test_a_success_on_another_payments_provider_payment_changes_nothing(
    web: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    app_settings: Settings,
) -> None:
    order = await open_order(services, provider, catalogue)
    other = await open_order(services, provider, catalogue)
    await pay_for_real(web, provider, other)  # a 95 $ charge that really happened, for another

    answer = await send(
        web, app_settings, event_for(order, "evt_borrowed_ref", payment_ref=other.ref)
    )
    await run_worker(app_settings)
    report = await audit(services)

    assert answer == {"recorded": False}
    assert await order_state(services, order) == ("awaiting_payment", "pending", 0)
    assert await order_state(services, other) == ("paid", "succeeded", 1)
    assert [(r.reason, r.order_id) for r in report.rejected] == [
        ("foreign_payment_ref", order.order_id)
    ]


async def test_a_refund_above_what_the_charge_has_left_is_rejected(
    web: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    app_settings: Settings,
) -> None:
    order = await open_order(services, provider, catalogue)
    await pay_for_real(web, provider, order)
    await provider.refund(order.ref, 5000, "partial-refund")
    (refunded,) = await provider.refund_webhooks(order.ref, int(time.time()))
    told = await post_signed(web, app_settings, refunded.body)
    again = await post_signed(web, app_settings, refunded.body)
    too_much = event_for(
        order, "evt_refund_too_much", kind="refund.succeeded", amount_cents=4501, refund_ref="re_x"
    )

    answer = await send(web, app_settings, too_much)
    report = await audit(services)

    assert (told, again, answer) == ({"recorded": True}, {"recorded": False}, {"recorded": False})
    assert [(r.reason, r.amount_cents) for r in report.rejected] == [("refund_over_charge", 4501)]
    refunded_cents = await services.pool.fetchval(
        "SELECT sum(amount_cents) FROM payment_event WHERE kind = 'refund.succeeded'"
    )
    assert refunded_cents == 5000


async def test_an_event_about_an_attempt_declined_before_a_retry_is_still_the_familys(
    web: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    app_settings: Settings,
) -> None:
    order = await open_order(services, provider, catalogue)
    declined = await provider.complete(order.ref, succeed=False, now_s=int(time.time()))
    await post_signed(web, app_settings, declined.body)
    retry = await pay_again(services, order.family_id, order.order_id, "/orders/{order_id}")
    assert retry.payment_url is not None
    assert not retry.payment_url.endswith(order.ref)

    # The provider tells of the declined attempt again, under a new event id.
    late = event_for(order, "evt_declined_told_again", kind="payment.failed")
    answer = await send(web, app_settings, late)

    assert answer == {"recorded": True}
    assert (await audit(services)).rejected == []


async def test_rush_audit_lists_a_rejected_event_and_still_exits_zero(
    web: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    app_settings: Settings,
) -> None:
    order = await open_order(services, provider, catalogue)
    await send(web, app_settings, event_for(order, "evt_forged_one_cent", amount_cents=1))

    result = await rush_audit(services)

    assert result.exit_code == 0, result.output
    assert last_json(result)["rejected_webhooks"] == 1
    row = next(line for line in result.output.splitlines() if line.startswith("rejected_webhooks"))
    assert "LOOK" in row
    assert "evt_forged_one_cent (order" in row
    assert "amount_mismatch, 1 cents cad" in row
    assert "1 rejected provider event(s) to look at" in result.output
