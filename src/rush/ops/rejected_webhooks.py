"""The provider events Rush rejected, as the audit lists them.

A rejected event changed nothing (see `rush.purchase.payment_event_checks`), so it does not
make an audit unclean; but each one is someone signing with the webhook secret without being
Rush's provider, or a provider that charged what Rush did not ask: a person must look.
"""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from rush.db import Executor, query

__all__ = ["RejectedWebhook", "rejected_webhooks"]


class RejectedWebhook(msgspec.Struct, frozen=True):
    """One rejected event: what it claimed, and why it did not count."""

    event_id: str
    kind: str
    reason: str
    payment_id: uuid.UUID
    order_id: uuid.UUID | None
    """None when the payment is unknown to Rush."""
    payment_ref: str
    amount_cents: int
    currency: str
    received_at: dt.datetime


async def rejected_webhooks(conn: Executor, sale_id: int | None) -> list[RejectedWebhook]:
    """Rejected events of one sale's orders, or every one (unknown payments too) when None."""
    return [
        RejectedWebhook(
            event_id=row["provider_event_id"],
            kind=row["kind"],
            reason=row["reason"],
            payment_id=row["payment_id"],
            order_id=row["order_id"],
            payment_ref=row["payment_ref"] or "",
            amount_cents=int(row["amount_cents"] or 0),
            currency=row["currency"] or "",
            received_at=row["received_at"],
        )
        for row in await conn.fetch(query("audit_rejected_webhooks"), sale_id)
    ]
