"""Staff cancel paid places: registrations cancelled, money given back once, places offered again.

Two steps, each safe to repeat, so a retry after a crash anywhere finishes the job:

1. `cancel_places`, one Postgres transaction: lock the order, cancel the chosen active
   registrations (the registration trigger gives the places back to `paid_count`) and write
   the refunds to make as `pending` rows, one per provider payment. Then the hold engine's
   paid counts are rebuilt from Postgres and the freed places offered to the waitlists.
2. `send_pending_refunds`: the provider refunds each pending row under its own idempotency
   key, so asking twice never pays twice; the row then becomes `succeeded`.

Cancelling again finds nothing active: nothing more is cancelled or refunded, and only
refunds left pending by an earlier failure are sent again. `week_daycare` finds the daycare
slots that go with camp weeks, since a daycare slot is never allowed without its week, and
`cancellation_scope` the registrations of each order one cancellation takes.

Errors::

    RushError
    ├── RegistrationNotInOrder  code "registration_not_found"  no such registration in that order
    └── RefundAmountInvalid     code "refund_amount_invalid"   below zero or above what may go back
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg
import msgspec

from rush.db import Executor, query
from rush.engine.reconcile import reconcile_program
from rush.errors import OrderNotFound, RushError
from rush.purchase.payments.provider import PaymentProvider
from rush.purchase.waitlist import Offer, expire_offers, offer_freed_places
from rush.services import Services

__all__ = [
    "CancelledPlaces",
    "DaycareSlot",
    "RefundAmountInvalid",
    "RegistrationNotInOrder",
    "cancel_places",
    "cancellation_scope",
    "refund_amount",
    "send_pending_refunds",
    "week_daycare",
]


class RegistrationNotInOrder(RushError):
    code = "registration_not_found"
    status = 404

    def __init__(self, registration_id: int) -> None:
        super().__init__(f"registration {registration_id} is not in this order")
        self.registration_id = registration_id


class RefundAmountInvalid(RushError):
    """Asked to give back less than nothing, or more than the places cost or was paid."""

    code = "refund_amount_invalid"
    status = 422

    def __init__(self, amount_cents: int, max_cents: int) -> None:
        super().__init__(f"refund of {amount_cents} cents asked, at most {max_cents} allowed")
        self.amount_cents = amount_cents
        self.max_cents = max_cents


class CancelledPlaces(msgspec.Struct, frozen=True, kw_only=True):
    """What one cancellation changed; empty lists and zero when everything was done before."""

    order_id: uuid.UUID
    sale_id: int
    registration_ids: list[int]
    group_ids: list[int]
    refund_cents: int
    """Money this cancellation gives back (sent by `send_pending_refunds`)."""
    order_status: str
    offers: list[Offer]
    """Waitlist offers made at once on the freed places; their families still need an email."""


class DaycareSlot(msgspec.Struct, frozen=True, kw_only=True):
    """An active daycare registration of the child of a camp week, and the order that paid it."""

    registration_id: int
    order_id: uuid.UUID
    week_registration_id: int
    group_fr: str
    group_en: str


async def week_daycare(
    conn: Executor, order_id: uuid.UUID, week_registration_id: int | None = None
) -> list[DaycareSlot]:
    """The active daycare slots of the order's camp weeks (or of that one), in any order."""
    rows = await conn.fetch(query("cancel_week_daycare"), order_id, week_registration_id)
    return [DaycareSlot(**dict(r.items())) for r in rows]


async def cancellation_scope(
    conn: Executor, order_id: uuid.UUID, registration_id: int | None, *, with_daycare: bool
) -> dict[uuid.UUID, list[int] | None]:
    """The registrations one cancellation takes in each order (None: every active place of
    the order): the one named, or the whole order, with the daycare of their camp weeks
    unless `with_daycare` is False. The named order comes first."""
    daycare = await week_daycare(conn, order_id, registration_id) if with_daycare else []
    named = None
    if registration_id is not None:
        named = [registration_id, *(d.registration_id for d in daycare if d.order_id == order_id)]
    elsewhere: dict[uuid.UUID, list[int]] = {}
    for slot in daycare:
        if slot.order_id != order_id:
            elsewhere.setdefault(slot.order_id, []).append(slot.registration_id)
    return {order_id: named, **elsewhere}


async def refund_amount(
    conn: Executor, order_id: uuid.UUID, price_cents: int, amount_cents: int | None
) -> tuple[int, list[asyncpg.Record]]:
    """The refund of places worth `price_cents`, and the payments it can come from.

    `amount_cents` defaults to the price, capped by what the family paid and was not given
    back yet; an explicit amount must lie within that bound.
    """
    payments = await conn.fetch(query("cancel_refundable_payments"), order_id)
    ceiling = min(price_cents, sum(p["refundable_cents"] for p in payments))
    amount = ceiling if amount_cents is None else amount_cents
    if not 0 <= amount <= ceiling:
        raise RefundAmountInvalid(amount, ceiling)
    return amount, payments


async def cancel_places(
    services: Services,
    order_id: uuid.UUID,
    *,
    staff_account_id: int | None,
    registration_ids: Sequence[int] | None = None,
    amount_cents: int | None = None,
) -> CancelledPlaces:
    """Cancel some registrations of an order (or all of them) and plan their refund, whose
    amount `refund_amount` decides."""
    pool = services.pool
    chosen = None if registration_ids is None else list(registration_ids)
    async with pool.acquire() as conn, conn.transaction():
        order = await conn.fetchrow(query("order_lock"), order_id)
        if order is None:
            raise OrderNotFound(str(order_id))
        if chosen is not None:
            found = await conn.fetch(query("cancel_registrations_of_order"), order_id, chosen)
            missing = set(chosen) - {r["id"] for r in found}
            if missing:
                raise RegistrationNotInOrder(min(missing))
        freed = await conn.fetch(query("cancel_registrations"), order_id, chosen)
        refund_cents = 0
        if freed:
            refund_cents = await _plan_refunds(
                conn,
                order_id,
                freed,
                amount_cents,
                staff_account_id,
            )
        closed = await conn.fetchval(query("cancel_order_close"), order_id)
    offers: list[Offer] = []
    if freed:
        for program_id in sorted({r["program_id"] for r in freed}):
            await reconcile_program(pool, services.engine, program_id)
        await expire_offers(pool)
        offers = await offer_freed_places(pool, services.engine)
    return CancelledPlaces(
        order_id=order_id,
        sale_id=order["sale_id"],
        registration_ids=[r["id"] for r in freed],
        group_ids=sorted({r["group_id"] for r in freed}),
        refund_cents=refund_cents,
        order_status=closed or order["status"],
        offers=offers,
    )


async def _plan_refunds(
    conn: Executor,
    order_id: uuid.UUID,
    freed: list[asyncpg.Record],
    amount_cents: int | None,
    staff_account_id: int | None,
) -> int:
    """Write pending refunds for the amount, spread over the payments still refundable, each
    naming the registrations it pays back."""
    price_cents = sum(r["price_cents"] for r in freed)
    amount, payments = await refund_amount(conn, order_id, price_cents, amount_cents)
    registration_ids = sorted(r["id"] for r in freed)
    left = amount
    for payment in payments:
        if left == 0:
            break
        part = min(left, payment["refundable_cents"])
        await conn.execute(
            query("cancel_refund_insert"),
            order_id,
            payment["id"],
            part,
            staff_account_id,
            registration_ids,
        )
        left -= part
    return amount


async def send_pending_refunds(
    pool: asyncpg.Pool, provider: PaymentProvider, order_id: uuid.UUID
) -> int:
    """Ask the provider for every pending refund of the order; returns the cents confirmed now.

    A provider error propagates and leaves the refund pending, to be sent again by the next
    call with the same idempotency key.
    """
    sent = 0
    for refund in await pool.fetch(query("cancel_pending_refunds"), order_id):
        answer = await provider.refund(
            refund["provider_ref"], refund["amount_cents"], f"cancel-refund:{refund['id']}"
        )
        if answer.status == "succeeded":
            await pool.execute(query("cancel_refund_succeeded"), refund["id"], answer.ref)
            sent += refund["amount_cents"]
    return sent
