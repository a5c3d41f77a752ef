"""What staff see of orders: a search, and one order with its places, payments and refunds."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg
import msgspec

from rush.db import query
from rush.errors import OrderNotFound
from rush.purchase.cancellations import DaycareSlot, week_daycare

__all__ = [
    "OrderFound",
    "StaffLine",
    "StaffOrder",
    "StaffPayment",
    "StaffRefund",
    "search_orders",
    "staff_order",
]


class OrderFound(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    status: str
    total_cents: int
    created_at: dt.datetime
    email: str | None
    family_name: str | None
    second_instalment_overdue: bool = False
    """Its second instalment was declined or is past due, unpaid (`second_instalment_overdue`)."""


class StaffLine(msgspec.Struct, frozen=True, kw_only=True):
    """One place of the order; `registration_id` is None until the order is paid."""

    line_id: int
    person_name: str
    program_fr: str
    program_en: str
    group_fr: str
    group_en: str
    price_cents: int
    registration_id: int | None
    registration_status: str | None
    cancelled_at: dt.datetime | None
    daycare: list[DaycareSlot] = msgspec.field(default_factory=list)
    """The child's active daycare slots of this camp week, which cancelling it can take too."""

    @property
    def cancellable(self) -> bool:
        return self.registration_status == "active"


class StaffPayment(msgspec.Struct, frozen=True, kw_only=True):
    instalment: int
    amount_cents: int
    due_on: dt.date
    status: str
    provider_ref: str | None
    succeeded_at: dt.datetime | None
    refunded_at: dt.datetime | None


class StaffRefund(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    amount_cents: int
    status: str
    provider_ref: str | None
    created_at: dt.datetime
    refunded_at: dt.datetime | None
    staff: str | None
    """Who decided it; None: the decline policy of a second instalment."""


class StaffOrder(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    family_id: int
    sale_id: int
    status: str
    total_cents: int
    instalments: int
    created_at: dt.datetime
    paid_at: dt.datetime | None
    conflict_reason: str | None
    email: str | None
    family_name: str | None
    refundable_cents: int
    """Paid and not given back yet (refunds written but still pending count as given back)."""
    second_instalment_overdue: bool
    card_saved: bool
    """The family's card is saved for its second instalment: staff may charge it again."""
    lines: list[StaffLine]
    payments: list[StaffPayment]
    refunds: list[StaffRefund]

    @property
    def cancellable(self) -> bool:
        return any(line.cancellable for line in self.lines)

    @property
    def daycare_elsewhere(self) -> list[DaycareSlot]:
        """Daycare slots of this order's weeks bought in other orders: cancelling the whole
        order takes them only if asked, since they are not on this page's lines."""
        return [d for line in self.lines for d in line.daycare if d.order_id != self.id]


async def search_orders(
    pool: asyncpg.Pool, text: str, limit: int = 50, *, overdue_only: bool = False
) -> list[OrderFound]:
    """Orders by id prefix, email fragment or last name; the latest ones for an empty search;
    with `overdue_only`, those whose second instalment is declined or past due."""
    rows = await pool.fetch(query("staff_orders_search"), text.strip(), limit, overdue_only)
    return [OrderFound(**dict(r.items())) for r in rows]


async def staff_order(pool: asyncpg.Pool, order_id: uuid.UUID) -> StaffOrder:
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        order = await conn.fetchrow(query("staff_order"), order_id)
        if order is None:
            raise OrderNotFound(str(order_id))
        lines = await conn.fetch(query("staff_order_lines"), order_id)
        payments = await conn.fetch(query("staff_order_payments"), order_id)
        refunds = await conn.fetch(query("staff_order_refunds"), order_id)
        # What a cancellation could still give back: the very payments it would refund from.
        refundable = await conn.fetch(query("cancel_refundable_payments"), order_id)
        daycare = await week_daycare(conn, order_id)
    daycare_of: dict[int, list[DaycareSlot]] = {}
    for slot in daycare:
        daycare_of.setdefault(slot.week_registration_id, []).append(slot)
    return StaffOrder(
        **dict(order.items()),
        refundable_cents=sum(p["refundable_cents"] for p in refundable),
        lines=[
            StaffLine(**dict(r.items()), daycare=daycare_of.get(r["registration_id"], []))
            for r in lines
        ],
        payments=[StaffPayment(**dict(r.items())) for r in payments],
        refunds=[StaffRefund(**dict(r.items())) for r in refunds],
    )
