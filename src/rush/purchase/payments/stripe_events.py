"""Stripe's webhook events in Rush's words: which event types Rush acts on, and what they say.

Rush acts on a PaymentIntent's outcome and on a refund that succeeded; the Rush payment an
object belongs to is read from the `payment_id` metadata the provider wrote on it. Any other
verified event (a customer created, a refund still pending, a PaymentIntent another system
opened on the same account) is acknowledged and ignored: answering it with an error would
only make Stripe send it again for days.
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from rush.purchase.payments.errors import InvalidWebhook
from rush.purchase.payments.provider import SavedCard, WebhookEvent, WebhookKind

__all__ = ["SAVE_CARD_METADATA", "webhook_event"]

SAVE_CARD_METADATA = "save_card"
"""PaymentIntent metadata set to "1" when the family agreed to keep its card for later."""

_INTENT_OUTCOMES: dict[str, WebhookKind] = {
    "payment_intent.succeeded": "payment.succeeded",
    "payment_intent.payment_failed": "payment.failed",
}
_REFUND_EVENTS = frozenset({"refund.created", "refund.updated", "charge.refund.updated"})


class _EventData(msgspec.Struct):
    object: dict[str, Any]


class _Event(msgspec.Struct):
    id: str
    type: str
    created: int
    data: _EventData


class _Intent(msgspec.Struct):
    id: str
    amount: int
    currency: str
    metadata: dict[str, str] = {}
    customer: str | None = None
    payment_method: str | None = None


class _Refund(msgspec.Struct):
    id: str
    amount: int
    currency: str
    status: str | None = None
    payment_intent: str | None = None
    metadata: dict[str, str] = {}


def webhook_event(payload: dict[str, Any]) -> WebhookEvent:
    """The `WebhookEvent` a verified Stripe event (as a plain dict) tells, or `InvalidWebhook`:
    fault `unhandled_event` for one Rush does not act on, `bad_body` for one it cannot read."""
    try:
        event = msgspec.convert(payload, _Event)
        if event.type in _INTENT_OUTCOMES:
            return _intent_event(event, msgspec.convert(event.data.object, _Intent))
        if event.type in _REFUND_EVENTS:
            return _refund_event(event, msgspec.convert(event.data.object, _Refund))
    except msgspec.ValidationError as exc:
        raise InvalidWebhook("bad_body", f"unreadable Stripe event: {exc}") from None
    raise InvalidWebhook("unhandled_event", f"Rush does not act on {event.type!r}")


def _payment_id(metadata: dict[str, str], object_id: str) -> uuid.UUID:
    if "payment_id" not in metadata:
        raise InvalidWebhook("unhandled_event", f"{object_id} is not a Rush payment")
    try:
        return uuid.UUID(metadata["payment_id"])
    except ValueError:
        raise InvalidWebhook("bad_body", f"{object_id} has a malformed payment_id") from None


def _intent_event(event: _Event, intent: _Intent) -> WebhookEvent:
    kind = _INTENT_OUTCOMES[event.type]
    saved_card = None
    wants_card = intent.metadata.get(SAVE_CARD_METADATA) == "1"
    if kind == "payment.succeeded" and wants_card and intent.customer and intent.payment_method:
        saved_card = SavedCard(intent.customer, intent.payment_method)
    return WebhookEvent(
        event_id=event.id,
        kind=kind,
        payment_ref=intent.id,
        payment_id=_payment_id(intent.metadata, intent.id),
        amount_cents=intent.amount,
        occurred_at_s=event.created,
        currency=intent.currency.lower(),
        saved_card=saved_card,
    )


def _refund_event(event: _Event, refund: _Refund) -> WebhookEvent:
    if refund.status != "succeeded" or refund.payment_intent is None:
        raise InvalidWebhook("unhandled_event", f"refund {refund.id} is {refund.status}")
    return WebhookEvent(
        # Stripe tells one refund in several events (created, updated): one id records it once.
        event_id=f"{refund.id}:succeeded",
        kind="refund.succeeded",
        payment_ref=refund.payment_intent,
        payment_id=_payment_id(refund.metadata, refund.id),
        amount_cents=refund.amount,
        occurred_at_s=event.created,
        refund_ref=refund.id,
        currency=refund.currency.lower(),
    )
