"""A verified provider event is checked against the payment Rush opened before it counts.

A good signature proves only that the sender knows the webhook secret. What the event says
must also be what Rush asked for: a payment Rush created, on a provider payment Rush opened
for it (the current one, or an attempt declined before a retry, which an earlier accepted
event already named), for the instalment's exact amount, in Canadian dollars; a refund may
not give back more than its charge has left. Anything else is rejected with one of the
reasons below, and the order is not touched.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from enum import StrEnum

import msgspec

from rush.db import Executor, query
from rush.purchase.payments.provider import WebhookEvent

__all__ = [
    "RUSH_CURRENCY",
    "PaymentAsked",
    "RejectionReason",
    "payment_asked",
    "record_rejection",
    "rejection_reason",
]

log = logging.getLogger("rush.purchase.payment_event_checks")

RUSH_CURRENCY = "cad"
"""Rush charges Canadian dollars only (ISO 4217, lower case as the providers write it)."""


class RejectionReason(StrEnum):
    UNKNOWN_PAYMENT = "unknown_payment"
    """No payment of Rush has the event's payment id."""
    WRONG_CURRENCY = "wrong_currency"
    FOREIGN_PAYMENT_REF = "foreign_payment_ref"
    """The provider payment is not one Rush opened for this payment (another's, or none)."""
    AMOUNT_MISMATCH = "amount_mismatch"
    """A payment event whose amount is not the instalment's."""
    REFUND_OVER_CHARGE = "refund_over_charge"
    """A refund of nothing, or of more than the charge has left after the earlier refunds."""


@dataclass(frozen=True, slots=True)
class PaymentAsked:
    """What Rush asked of the provider for one payment row, as an event must match it."""

    order_id: uuid.UUID
    amount_cents: int
    provider_refs: frozenset[str]
    """The provider payments Rush opened for it: the current one and the declined attempts."""
    refunded_cents: int
    """Given back so far on the event's provider payment, the event's own refund left out."""


async def payment_asked(conn: Executor, event: WebhookEvent) -> PaymentAsked | None:
    """The payment the event names, locked until the caller's transaction ends so that two
    events of one payment (two refunds) are checked one after the other; None if unknown."""
    row = await conn.fetchrow(
        query("payment_asked_lock"), event.payment_id, event.payment_ref, event.refund_ref
    )
    if row is None:
        return None
    return PaymentAsked(
        order_id=row["order_id"],
        amount_cents=row["amount_cents"],
        provider_refs=frozenset(row["provider_refs"]),
        refunded_cents=row["refunded_cents"],
    )


def rejection_reason(event: WebhookEvent, asked: PaymentAsked | None) -> RejectionReason | None:
    """Why the event must not count, or None when it matches what Rush asked."""
    if asked is None:
        return RejectionReason.UNKNOWN_PAYMENT
    if event.currency.lower() != RUSH_CURRENCY:
        return RejectionReason.WRONG_CURRENCY
    if event.payment_ref not in asked.provider_refs:
        return RejectionReason.FOREIGN_PAYMENT_REF
    if event.kind == "refund.succeeded":
        left = asked.amount_cents - asked.refunded_cents
        if not 0 < event.amount_cents <= left:
            return RejectionReason.REFUND_OVER_CHARGE
    elif event.amount_cents != asked.amount_cents:
        return RejectionReason.AMOUNT_MISMATCH
    return None


async def record_rejection(
    conn: Executor,
    provider: str,
    event: WebhookEvent,
    asked: PaymentAsked | None,
    reason: RejectionReason,
) -> None:
    """Keep a rejected event with its reason, once per provider event id, for the audit."""
    await conn.execute(
        query("rejected_payment_event_insert"),
        provider,
        event.event_id,
        event.kind,
        event.payment_id,
        None if asked is None else asked.order_id,
        reason.value,
        msgspec.json.encode(event).decode(),
    )
    log.warning(
        "rejected %s event %s for payment %s: %s",
        provider,
        event.event_id,
        event.payment_id,
        reason.value,
    )
