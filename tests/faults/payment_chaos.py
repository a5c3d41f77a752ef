"""What the payment fault tests share: orders made the real way, webhooks posted to the real
endpoint (signed, stale, crafted), a burst arq worker, and the checks every scenario ends on.

A hold is made to expire by releasing it, as the sweep does once its time is up; the tests
that need the clock itself shorten the sale's payment window instead.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

import asyncpg
import msgspec
from litestar.testing import AsyncTestClient

from cli.processes import build_worker
from rush.config import Settings
from rush.ops.audit import AuditReport, run_audit
from rush.purchase.carts import Carts, HoldTimes, hold_id_for
from rush.purchase.checkout import start_checkout
from rush.purchase.payments import SIGNATURE_HEADER, SignedWebhook, SimulatedProvider, WebhookEvent
from rush.purchase.payments.provider import WebhookKind
from rush.purchase.payments.signing import sign
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory, TestProgram
from tests.support.figures import record

__all__ = [
    "WEBHOOK_URL",
    "PlacedOrder",
    "audit_clean",
    "charges",
    "crafted",
    "deliver",
    "expire_hold",
    "place_order",
    "registrations_by_order",
    "run_worker",
    "stale",
]

WEBHOOK_URL = "/api/v1/payments/webhook"
CHILD_BORN = dt.date(2019, 4, 2)
Client = AsyncTestClient[Any]


@dataclass(frozen=True)
class PlacedOrder:
    """An order waiting for its one payment, and what the provider knows of it."""

    order_id: uuid.UUID
    family_id: int
    program_id: int
    hold_id: str
    payment_id: uuid.UUID
    ref: str
    amount_cents: int
    lines: int


async def place_order(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    camp: TestProgram,
    group_ids: list[int],
    children: int = 1,
    hold_ms: int = 60_000,
) -> PlacedOrder:
    """A new family holds `children` places in each group for `hold_ms` and checks out;
    nothing is paid."""
    family = await catalogue.family([CHILD_BORN] * children)
    carts = Carts(services.pool, services.engine, HoldTimes(hold_ms, max(hold_ms, 120_000)))
    await carts.add(family.id, camp.sale_id, family.child_ids, group_ids, live=True)
    result = await start_checkout(
        services,
        provider,
        family.id,
        camp.sale_id,
        accept_terms=True,
        instalments=1,
        return_url="/orders/{order_id}",
    )
    assert result.payment_url is not None
    payment = await services.pool.fetchrow(
        "SELECT id, amount_cents FROM payment WHERE order_id = $1 AND instalment = 1",
        result.order_id,
    )
    assert payment is not None
    cart_id = await services.pool.fetchval(
        "SELECT id FROM cart WHERE order_id = $1", result.order_id
    )
    return PlacedOrder(
        order_id=result.order_id,
        family_id=family.id,
        program_id=camp.id,
        hold_id=hold_id_for(cart_id),
        payment_id=payment["id"],
        ref=result.payment_url.rsplit("/", 1)[-1],
        amount_cents=payment["amount_cents"],
        lines=children * len(group_ids),
    )


async def expire_hold(services: Services, order: PlacedOrder) -> None:
    """The order's hold runs out: its places go back to everyone."""
    await services.engine.release(order.program_id, order.hold_id)


async def deliver(client: Client, webhook: SignedWebhook) -> dict[str, Any]:
    """POST the webhook as the provider does; returns the JSON answer, which must be a 200."""
    response = await client.post(
        WEBHOOK_URL,
        content=webhook.body,
        headers={SIGNATURE_HEADER: webhook.signature_header, "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def stale(settings: Settings, webhook: SignedWebhook, age_s: int = 3600) -> SignedWebhook:
    """The same event signed `age_s` ago: a delivery stuck in a queue past the replay window."""
    header = sign(settings.webhook_secret, webhook.body, int(time.time()) - age_s)
    return SignedWebhook(webhook.body, header, webhook.event)


def crafted(
    settings: Settings,
    order: PlacedOrder,
    kind: WebhookKind,
    event_id: str,
    occurred_ago_s: int = 0,
) -> SignedWebhook:
    """A genuine, signed provider event that the simulator would not send by itself: a failed
    earlier attempt, or an event id the provider changed on redelivery."""
    now = int(time.time())
    event = WebhookEvent(
        event_id=event_id,
        kind=kind,
        payment_ref=order.ref,
        payment_id=order.payment_id,
        amount_cents=order.amount_cents,
        occurred_at_s=now - occurred_ago_s,
    )
    body = msgspec.json.encode(event)
    return SignedWebhook(body, sign(settings.webhook_secret, body, now), event)


async def run_worker(settings: Settings) -> None:
    """A real arq worker, in this process, until the queue is empty."""
    worker = build_worker(settings, handle_signals=False, burst=True)
    try:
        await worker.main()
    finally:
        await worker.close()


async def registrations_by_order(pool: asyncpg.Pool, order_ids: list[uuid.UUID]) -> Counter[Any]:
    """Active registrations per order."""
    rows = await pool.fetch(
        "SELECT ol.order_id FROM registration r JOIN order_line ol ON ol.id = r.order_line_id"
        " WHERE ol.order_id = ANY($1::uuid[]) AND r.status = 'active'",
        order_ids,
    )
    return Counter(r["order_id"] for r in rows)


async def charges(pool: asyncpg.Pool, order: PlacedOrder) -> tuple[int, int]:
    """(cents charged, cents refunded) by the provider for the order's payment, from its ledger."""
    rows = await pool.fetch(
        "SELECT status, amount_cents, refunded_cents AS refunded"
        " FROM sim_provider_payment WHERE payment_id = $1",
        order.payment_id,
    )
    charged = sum(r["amount_cents"] for r in rows if r["status"] in ("succeeded", "refunded"))
    return charged, sum(r["refunded"] for r in rows)


async def audit_clean(services: Services) -> AuditReport:
    """Run `rush audit` on the test's servers; the report must be clean."""
    report = await run_audit(services.pool, services.redis, services.settings)
    assert report.clean, msgspec.json.encode(report.summary()).decode()
    assert (report.oversold, report.lost_payments, report.double_charged) == (0, 0, 0)
    return report


async def audit_survived(services: Services, *, injected: int, orders: int) -> AuditReport:
    """The audit must be clean after `injected` faults over `orders` orders; the suite's
    summary counts them with the audit's own figures."""
    report = await audit_clean(services)
    record(
        "faults",
        injected=injected,
        survived=injected,
        orders=orders,
        oversold=report.oversold,
        lost=report.lost_payments,
        double_charged=report.double_charged,
    )
    return report
