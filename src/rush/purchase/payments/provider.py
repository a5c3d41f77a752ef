"""The interface a payment provider fits: Stripe, Moneris, Global Payments or the simulator.

Rush only ever asks a provider for four things: a hosted payment page for one instalment
(saving the card when the family consents to a later instalment), a charge of that saved card
when a later instalment falls due, a refund, and the verification of the webhook that tells
each outcome. Everything a provider
answers is turned into these structs here, so no provider's own vocabulary leaks further.
"""

from __future__ import annotations

import uuid
from typing import Literal, Protocol, TypeAlias, runtime_checkable

import msgspec

__all__ = [
    "PaymentProvider",
    "ProviderPayment",
    "ProviderRefund",
    "SavedCard",
    "WebhookEvent",
    "WebhookKind",
]

WebhookKind: TypeAlias = Literal["payment.succeeded", "payment.failed", "refund.succeeded"]


class ProviderPayment(msgspec.Struct, frozen=True):
    """A payment opened at the provider: its reference and the page the family pays on."""

    ref: str
    redirect_url: str


class SavedCard(msgspec.Struct, frozen=True):
    """A card the family agreed to have charged for a later instalment, as the provider names
    it (Stripe: a Customer and a PaymentMethod). Rush stores it with the order, never a number."""

    customer_ref: str
    payment_method_ref: str


class ProviderRefund(msgspec.Struct, frozen=True):
    ref: str
    status: Literal["pending", "succeeded", "failed"]


class WebhookEvent(msgspec.Struct, frozen=True):
    """One verified provider notification; `event_id` is stable across redeliveries."""

    event_id: str
    kind: WebhookKind
    payment_ref: str
    payment_id: uuid.UUID
    amount_cents: int
    occurred_at_s: int
    refund_ref: str | None = None
    """Which refund a `refund.succeeded` tells of: one payment may be refunded several times."""
    currency: str = "cad"
    """ISO 4217, lower case, as the provider charged it; Rush charges Canadian dollars only."""
    saved_card: SavedCard | None = None
    """On a `payment.succeeded` opened with `save_card`: the card to charge later instalments."""


@runtime_checkable
class PaymentProvider(Protocol):
    """What Rush needs from a provider; every call that moves money carries an idempotency key."""

    name: str
    signature_header: str
    """The HTTP header its webhooks carry their signature in (`Stripe-Signature`, ...)."""

    async def create_payment(
        self,
        payment_id: uuid.UUID,
        amount_cents: int,
        idempotency_key: str,
        description: str,
        return_url: str,
        save_card: bool = False,
    ) -> ProviderPayment:
        """Open (or, for a key already seen, find again) the payment of one instalment; with
        `save_card` (the family consented at checkout) the card is kept for later instalments
        and its success webhook carries it as `saved_card`."""
        ...

    async def charge_saved_card(
        self,
        payment_id: uuid.UUID,
        amount_cents: int,
        idempotency_key: str,
        description: str,
        card: SavedCard,
    ) -> str:
        """Charge a later instalment on the saved card, off-session (the family is not there);
        returns the provider's payment reference. The outcome arrives as a webhook, like any
        payment's: `payment.succeeded` or `payment.failed`."""
        ...

    async def refund(self, ref: str, amount_cents: int, idempotency_key: str) -> ProviderRefund:
        """Give back part or all of what a payment has left, once per idempotency key."""
        ...

    def parse_webhook(self, body: bytes, signature_header: str | None, now_s: int) -> WebhookEvent:
        """Verify and decode a webhook, or raise `InvalidWebhook`."""
        ...
