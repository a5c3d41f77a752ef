"""Orders after checkout: payment events, finalize, and what a family sees of an order.

The webhook only records the provider's event (once per event id); `finalize_order`, run by
an arq worker, writes the registrations in one Postgres transaction and then confirms the
holds in Redis. Every step is idempotent, so a retry after a crash at any line has the same
effect as one run. A payment that arrives after the holds expired takes the places if they
are still free; otherwise the order becomes a conflict, is refunded, and the family goes
first on the waitlist of the groups it missed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

import asyncpg
import msgspec

from rush.db import Executor, query
from rush.engine.holds import HoldStatus
from rush.engine.reconcile import reconcile_program
from rush.errors import HoldExpired, OrderNotFound, RushError
from rush.purchase.instalment_consent import InstalmentConsent
from rush.purchase.payment_event_checks import payment_asked, record_rejection, rejection_reason
from rush.purchase.payments.provider import PaymentProvider, WebhookEvent
from rush.services import Services

__all__ = [
    "CheckoutResult",
    "FinalizeOutcome",
    "Instalment",
    "OrderLineDraft",
    "finalize_order",
    "first_payment_declines",
    "order_result",
    "order_view",
    "record_payment_event",
    "write_order",
]

log = logging.getLogger("rush.purchase.orders")


class Instalment(msgspec.Struct, frozen=True):
    number: int
    amount_cents: int
    due_on: dt.date
    status: str = "scheduled"


class CheckoutResult(msgspec.Struct, frozen=True):
    order_id: uuid.UUID
    status: str
    total_cents: int
    instalments: list[Instalment]
    payment_url: str | None
    sale_id: int | None = None
    """The provider's hosted page for the instalment due now; None when nothing is to pay."""


class FinalizeOutcome(StrEnum):
    WAITING = "waiting_for_payment"
    PAID = "paid"
    CONFLICT = "conflict_refunded"


@dataclass(frozen=True, slots=True)
class _Line:
    id: int
    person_id: int
    group_id: int
    program_id: int
    hold_id: str


@dataclass(frozen=True, slots=True)
class OrderLineDraft:
    person_id: int
    group_id: int
    program_id: int
    hold_id: str
    price_cents: int
    options: dict[str, str]


async def write_order(
    conn: Executor,
    order_id: uuid.UUID,
    family_id: int,
    sale_id: int,
    lines: list[OrderLineDraft],
    schedule: list[Instalment],
    consent: InstalmentConsent | None = None,
) -> None:
    """Insert an order waiting for payment, its lines and its instalments (one transaction),
    with the family's consent to a later instalment charged to its card, when given."""
    total = sum(i.amount_cents for i in schedule)
    await conn.execute(
        query("order_insert"),
        order_id,
        family_id,
        sale_id,
        total,
        len(schedule),
        consent.version if consent else None,
        consent.text if consent else None,
    )
    await conn.executemany(
        query("order_line_insert"),
        [
            (
                order_id,
                line.person_id,
                line.group_id,
                line.program_id,
                line.hold_id,
                line.price_cents,
                json.dumps(line.options),
            )
            for line in lines
        ],
    )
    await conn.executemany(
        query("payment_insert"),
        [(uuid.uuid4(), order_id, i.number, i.amount_cents, i.due_on) for i in schedule],
    )


async def record_payment_event(
    pool: asyncpg.Pool, provider: str, event: WebhookEvent
) -> uuid.UUID | None:
    """Record a verified provider event once, if it matches the payment Rush opened; returns
    its order when the event is new and accepted, else None (a redelivery, or rejected: kept
    with its reason in `rejected_payment_event`, the order untouched)."""
    payload = msgspec.json.encode(event).decode()
    async with pool.acquire() as conn, conn.transaction():
        if await conn.fetchval(query("payment_event_seen"), provider, event.event_id):
            return None  # a redelivery of an accepted event: checked the first time
        asked = await payment_asked(conn, event)
        reason = rejection_reason(event, asked)
        if reason is not None:
            await record_rejection(conn, provider, event, asked, reason)
            return None
        assert asked is not None  # an unknown payment is a rejection
        order_id: uuid.UUID | None = await conn.fetchval(
            query("payment_event_insert"),
            provider,
            event.event_id,
            asked.order_id,
            event.kind,
            event.amount_cents,
            payload,
        )
    return order_id


async def order_result(
    services: Services, provider: PaymentProvider, order_id: uuid.UUID, return_url: str
) -> CheckoutResult:
    """The order as its family sees it, opening the provider's page for the instalment due.

    `return_url` may contain `{order_id}`, filled in once the order exists.
    """
    pool = services.pool
    order = await pool.fetchrow(query("order_summary"), order_id)
    if order is None:
        raise OrderNotFound(str(order_id))
    payments = await pool.fetch(query("order_payments"), order_id)
    payment_url = None
    first = payments[0] if payments else None
    if order["status"] == "awaiting_payment" and first is not None and first["amount_cents"] > 0:
        key = await _first_attempt_key(services, order_id)
        opened = await provider.create_payment(
            first["id"],
            first["amount_cents"],
            idempotency_key=key,
            description=f"Rush order {order_id}",
            return_url=return_url.format(order_id=order_id),
            save_card=order["instalment_consent_at"] is not None,
        )
        await pool.execute(query("provider_payment_opened"), first["id"], opened.ref)
        await pool.execute(query("payment_set_pending"), first["id"], opened.ref)
        payment_url = opened.redirect_url
    return _result(order, payments, payment_url)


async def _first_attempt_key(services: Services, order_id: uuid.UUID) -> str:
    """The idempotency key of the first instalment's current attempt: the same key resumes an
    open attempt; after a decline the instalment is reopened under a new key, so the provider
    opens a new payment and the declined one can never be charged."""
    declines, current_declined = await first_payment_declines(services.pool, order_id)
    if current_declined:
        await services.pool.execute(query("payment_reopen_first"), order_id)
    return f"{order_id}:1" if not declines else f"{order_id}:1:after-decline-{declines}"


async def first_payment_declines(pool: asyncpg.Pool, order_id: uuid.UUID) -> tuple[int, bool]:
    """How many attempts at the first instalment were declined, and whether the current one
    (the provider payment the instalment points at now) is one of them."""
    row = await pool.fetchrow(query("payment_first_attempts"), order_id)
    assert row is not None  # an aggregate always answers one row
    return row["declines"], row["current_declined"]


def _result(
    order: asyncpg.Record, payments: list[asyncpg.Record], payment_url: str | None
) -> CheckoutResult:
    return CheckoutResult(
        order_id=order["id"],
        status=order["status"],
        total_cents=order["total_cents"],
        instalments=[
            Instalment(p["instalment"], p["amount_cents"], p["due_on"], p["status"])
            for p in payments
        ],
        payment_url=payment_url,
        sale_id=order["sale_id"],
    )


async def order_view(pool: asyncpg.Pool, order_id: uuid.UUID, family_id: int) -> CheckoutResult:
    """A family's own order with its instalments; any other order is "not found" to it."""
    order = await pool.fetchrow(query("order_summary_for_family"), order_id, family_id)
    if order is None:
        raise OrderNotFound(str(order_id))
    payments = await pool.fetch(query("order_payments"), order_id)
    return _result(order, payments, None)


async def finalize_order(
    services: Services, provider: PaymentProvider, order_id: uuid.UUID
) -> FinalizeOutcome:
    """Make a paid order's places registrations, exactly once, whatever was interrupted before."""
    pool = services.pool
    order = await pool.fetchrow(query("order_summary"), order_id)
    if order is None:
        raise OrderNotFound(str(order_id))
    lines = await _lines(pool, order_id)
    await _apply_succeeded_payments(pool, order_id)
    await pool.execute(query("order_keep_saved_card"), order_id)
    status = order["status"]
    if status == "awaiting_payment":
        if not await _first_instalment_paid(pool, order_id, order["total_cents"]):
            return FinalizeOutcome.WAITING
        lost = await _secure_places(services, lines)
        if not lost and not await _write_registrations(pool, order_id, lines):
            lost = sorted({ln.group_id for ln in lines})
        status = await _mark_conflict(pool, order, lines, lost) if lost else "paid"
    if status == "paid":
        await _confirm_in_redis(services, lines)
        grace_ms = services.settings.turn_grace_after_paying_seconds * 1000
        await services.room.leave(order["sale_id"], order["family_id"], grace_ms)
        return FinalizeOutcome.PAID
    if status == "conflict":
        # Also where a run stopped between the conflict and its refund (provider down, crash).
        for program_id, hold_id in _holds(lines):
            await services.engine.release(program_id, hold_id)
        await _refund_conflict(pool, provider, order_id)
    return FinalizeOutcome.CONFLICT


async def _lines(conn: Executor, order_id: uuid.UUID) -> list[_Line]:
    return [
        _Line(r["id"], r["person_id"], r["group_id"], r["program_id"], r["hold_id"])
        for r in await conn.fetch(query("order_lines"), order_id)
    ]


async def _apply_succeeded_payments(pool: asyncpg.Pool, order_id: uuid.UUID) -> None:
    for row in await pool.fetch(query("order_succeeded_payments"), order_id):
        await pool.execute(query("payment_set_succeeded"), row["id"], row["provider_ref"])


async def _first_instalment_paid(pool: asyncpg.Pool, order_id: uuid.UUID, total: int) -> bool:
    if total == 0:
        return True
    return any(
        r["instalment"] == 1 for r in await pool.fetch(query("order_succeeded_payments"), order_id)
    )


def _holds(lines: list[_Line]) -> dict[tuple[int, str], dict[int, int]]:
    holds: dict[tuple[int, str], Counter[int]] = {}
    for line in lines:
        holds.setdefault((line.program_id, line.hold_id), Counter())[line.group_id] += 1
    return {key: dict(counts) for key, counts in holds.items()}


async def _secure_places(services: Services, lines: list[_Line]) -> list[int]:
    """Make sure every hold is live for the write; retake expired ones if places are free.

    Returns the groups that could not be secured (empty when all are).
    """
    engine, settings = services.engine, services.settings
    taken: list[tuple[int, str]] = []
    for (program_id, hold_id), counts in _holds(lines).items():
        view = await engine.inspect(program_id, hold_id)
        if view.status is HoldStatus.PAID:
            continue
        try:
            if view.status is HoldStatus.LIVE and view.items == counts:
                await engine.extend(program_id, hold_id, settings.hold_ttl_ms)
            else:
                await engine.hold(
                    program_id, hold_id, counts, settings.hold_ttl_ms, settings.hold_max_lifetime_ms
                )
            taken.append((program_id, hold_id))
        except RushError:
            for program_id_done, hold_id_done in taken:
                await engine.release(program_id_done, hold_id_done)
            return sorted(counts)
    return []


async def _write_registrations(pool: asyncpg.Pool, order_id: uuid.UUID, lines: list[_Line]) -> bool:
    """One transaction: lock the groups, insert the registrations, mark paid.

    False when the places cannot be had, or a concurrent run already made the order a conflict.
    """
    async with pool.acquire() as conn:
        try:
            async with conn.transaction():
                order = await conn.fetchrow(query("order_lock"), order_id)
                if order is None or order["status"] != "awaiting_payment":
                    return order is not None and order["status"] == "paid"  # a concurrent run
                await conn.execute(
                    query("lock_groups_for_update"), sorted({ln.group_id for ln in lines})
                )
                await conn.executemany(
                    query("registration_insert"),
                    [(ln.id, ln.person_id, ln.group_id) for ln in lines],
                )
                await conn.execute(query("order_set_paid"), order_id)
        except (asyncpg.CheckViolationError, asyncpg.UniqueViolationError) as exc:
            log.warning("order %s cannot take its places in Postgres: %s", order_id, exc)
            return False
    return True


async def _confirm_in_redis(services: Services, lines: list[_Line]) -> None:
    for program_id, hold_id in _holds(lines):
        try:
            await services.engine.confirm(program_id, hold_id)
        except HoldExpired:
            # Paid in Postgres but the hold is gone: rebuild the program's counts from Postgres.
            await reconcile_program(services.pool, services.engine, program_id)


async def _mark_conflict(
    pool: asyncpg.Pool, order: asyncpg.Record, lines: list[_Line], lost_groups: list[int]
) -> str:
    """Make the order a conflict and its family first on the missed groups' waitlists, unless
    a concurrent run already paid it; returns the order's status after."""
    async with pool.acquire() as conn, conn.transaction():
        locked = await conn.fetchrow(query("order_lock"), order["id"])
        if locked is None or locked["status"] != "awaiting_payment":
            return "conflict" if locked is None else str(locked["status"])
        await conn.execute(query("order_set_conflict"), order["id"], f"groups full: {lost_groups}")
        for line in lines:
            if line.group_id in lost_groups:
                await conn.execute(
                    query("waitlist_insert_first"),
                    line.group_id,
                    order["family_id"],
                    line.person_id,
                )
    return "conflict"


async def _refund_conflict(
    pool: asyncpg.Pool, provider: PaymentProvider, order_id: uuid.UUID
) -> None:
    """Give back every succeeded payment of a conflict order; the same keys on every retry."""
    for payment in await pool.fetch(query("order_payments"), order_id):
        if payment["provider_ref"] and payment["status"] == "succeeded":
            await provider.refund(
                payment["provider_ref"], payment["amount_cents"], f"refund:{payment['id']}"
            )
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(query("order_set_refunded"), order_id)
        await conn.execute(query("payments_set_refunded"), order_id)
