"""What a staff cancellation would do, shown to the admin before it is done.

The places it would take in each order and the money each order would give back, decided by
the very rules `staff_cancellations.cancel_and_refund` then applies (`cancellation_scope`,
`refund_amount`), so the confirmation the admin reads is what happens. Nothing is written:
an amount out of bounds or a registration of another order is refused here already.
"""

from __future__ import annotations

import uuid

import asyncpg
import msgspec

from rush.db import query
from rush.errors import OrderNotFound
from rush.purchase.cancellations import (
    RegistrationNotInOrder,
    cancellation_scope,
    refund_amount,
)

__all__ = ["CancellationPreview", "PlannedPlace", "preview_cancellation"]


class PlannedPlace(msgspec.Struct, frozen=True, kw_only=True):
    """An active place the cancellation would take, named in both languages."""

    registration_id: int
    order_id: uuid.UUID
    person_name: str
    program_fr: str
    program_en: str
    group_fr: str
    group_en: str
    price_cents: int


class CancellationPreview(msgspec.Struct, frozen=True, kw_only=True):
    order_id: uuid.UUID
    places: list[PlannedPlace]
    """Empty when everything asked was cancelled before."""
    order_refund_cents: int
    """What the named order gives back: the amount the admin confirms."""
    refund_cents: int
    """All the money going back, the daycare's other orders included."""


async def preview_cancellation(
    pool: asyncpg.Pool,
    order_id: uuid.UUID,
    *,
    registration_id: int | None,
    amount_cents: int | None,
    with_daycare: bool = True,
) -> CancellationPreview:
    """What `cancel_and_refund` with these arguments would cancel and refund right now."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        if await conn.fetchrow(query("order_summary"), order_id) is None:
            raise OrderNotFound(str(order_id))
        if registration_id is not None:
            found = await conn.fetch(
                query("cancel_registrations_of_order"), order_id, [registration_id]
            )
            if not found:
                raise RegistrationNotInOrder(registration_id)
        scope = await cancellation_scope(conn, order_id, registration_id, with_daycare=with_daycare)
        places: list[PlannedPlace] = []
        refunds: dict[uuid.UUID, int] = {}
        for each_order_id, registration_ids in scope.items():
            rows = await conn.fetch(query("cancel_preview_places"), each_order_id, registration_ids)
            places += [PlannedPlace(**dict(r.items())) for r in rows]
            refunds[each_order_id] = 0
            if rows:
                refunds[each_order_id], _ = await refund_amount(
                    conn,
                    each_order_id,
                    sum(r["price_cents"] for r in rows),
                    amount_cents if each_order_id == order_id else None,
                )
    return CancellationPreview(
        order_id=order_id,
        places=places,
        order_refund_cents=refunds[order_id],
        refund_cents=sum(refunds.values()),
    )
