"""A payment provider that runs inside Rush, for the demo and the tests.

It keeps its state in Postgres (`sim_provider_payment`) and behaves as the real providers do
where Rush depends on it: idempotency keys, a hosted page at `redirect_url`, one outcome per
payment, refunds (several per payment, never above what it charged), and signed webhooks whose
event id survives redelivery.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Literal, TypeAlias

import asyncpg
import httpx
import msgspec

from rush.db import inserted, query
from rush.purchase.payments.errors import (
    IdempotencyKeyReused,
    InvalidPaymentRequest,
    InvalidWebhook,
    RefundRefused,
    UnknownProviderPayment,
)
from rush.purchase.payments.provider import (
    ProviderPayment,
    ProviderRefund,
    SavedCard,
    WebhookEvent,
    WebhookKind,
)
from rush.purchase.payments.signing import SIGNATURE_HEADER, sign, verify

__all__ = [
    "SignedWebhook",
    "SimPayment",
    "SimPaymentStatus",
    "SimRefund",
    "SimulatedProvider",
    "deliver",
]

SimPaymentStatus: TypeAlias = Literal["requires_action", "succeeded", "failed", "refunded"]

_REF_PREFIX = "simpay_"
_REFUND_REF_PREFIX = "simre_"


class SimPayment(msgspec.Struct, frozen=True, kw_only=True):
    """A simulated payment as its hosted page shows it."""

    ref: str
    payment_id: uuid.UUID
    idempotency_key: str
    amount_cents: int
    description: str
    return_url: str
    status: SimPaymentStatus
    created_at: datetime
    completed_at: datetime | None
    refunded_cents: int
    """Given back so far; the payment shows as `refunded` once this reaches its amount."""


class SimRefund(msgspec.Struct, frozen=True, kw_only=True):
    """One refund as the simulator's ledger keeps it."""

    ref: str
    payment_ref: str
    amount_cents: int
    refunded_at: datetime


class SignedWebhook(msgspec.Struct, frozen=True):
    """A webhook ready to send: the exact body, its signature header, and what it says."""

    body: bytes
    signature_header: str
    event: WebhookEvent


def _sim_payment(row: asyncpg.Record) -> SimPayment:
    return SimPayment(ref=row["id"], **{k: v for k, v in row.items() if k != "id"})


def _sim_refund(row: asyncpg.Record) -> SimRefund:
    return SimRefund(ref=row["id"], **{k: v for k, v in row.items() if k != "id"})


class SimulatedProvider:
    """`PaymentProvider` for development and tests; `complete` plays the family on the page."""

    name: str = "simulated"
    signature_header: str = SIGNATURE_HEADER

    def __init__(self, pool: asyncpg.Pool, webhook_secret: str, public_base_url: str) -> None:
        self._pool = pool
        self._webhook_secret = webhook_secret
        self._public_base_url = public_base_url.rstrip("/")

    async def create_payment(
        self,
        payment_id: uuid.UUID,
        amount_cents: int,
        idempotency_key: str,
        description: str,
        return_url: str,
        save_card: bool = False,
    ) -> ProviderPayment:
        """Open a payment; the same idempotency key always answers the same one, never a second."""
        if amount_cents <= 0:
            raise InvalidPaymentRequest(f"cannot charge {amount_cents} cents")
        new_ref = _REF_PREFIX + secrets.token_hex(12)
        row = await inserted(
            self._pool,
            "sim_provider_create_payment",
            new_ref,
            payment_id,
            idempotency_key,
            amount_cents,
            description,
            return_url,
        )
        if (row["payment_id"], row["amount_cents"]) != (payment_id, amount_cents):
            raise IdempotencyKeyReused(idempotency_key)
        return ProviderPayment(ref=row["id"], redirect_url=self._redirect_url(row["id"]))

    async def charge_saved_card(
        self,
        payment_id: uuid.UUID,
        amount_cents: int,
        idempotency_key: str,
        description: str,
        card: SavedCard,
    ) -> str:
        """Not offered yet: the simulator's later instalments are paid on its page."""
        raise InvalidPaymentRequest("the simulated provider does not keep cards yet")

    def _redirect_url(self, ref: str) -> str:
        return f"{self._public_base_url}/sim-pay/{ref}"

    async def payment(self, ref: str) -> SimPayment | None:
        """The payment behind a ref, or None: the hosted page answers 404 to a ref it never made."""
        row = await self._pool.fetchrow(query("sim_provider_payment"), ref)
        return None if row is None else _sim_payment(row)

    async def complete(self, ref: str, succeed: bool, now_s: int) -> SignedWebhook:
        """Record the family's outcome once; a later call returns the first outcome's webhook."""
        async with self._pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(query("sim_provider_lock_payment"), ref)
            if row is None:
                raise UnknownProviderPayment(ref)
            if row["status"] == "requires_action":
                outcome = "succeeded" if succeed else "failed"
                row = await inserted(conn, "sim_provider_complete_payment", ref, outcome, now_s)
        return self._webhook(self._outcome_event(_sim_payment(row)), now_s)

    async def refund(self, ref: str, amount_cents: int, idempotency_key: str) -> ProviderRefund:
        """Give back part of a succeeded payment; the same key answers the same refund again.

        Refunds of one payment add up to at most its amount, as at Stripe or Moneris.
        """
        async with self._pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(query("sim_provider_lock_payment"), ref)
            if row is None:
                raise UnknownProviderPayment(ref)
            payment = _sim_payment(row)
            done = await conn.fetchrow(query("sim_provider_refund_by_key"), idempotency_key)
            if done is not None:
                if (done["payment_ref"], done["amount_cents"]) != (ref, amount_cents):
                    raise IdempotencyKeyReused(idempotency_key)
                return ProviderRefund(ref=done["id"], status="succeeded")
            if payment.status == "refunded":
                raise RefundRefused(ref, "already refunded in full")
            if payment.status != "succeeded":
                raise RefundRefused(ref, f"payment is {payment.status}")
            left = payment.amount_cents - payment.refunded_cents
            if not 0 < amount_cents <= left:
                raise RefundRefused(ref, f"{amount_cents} cents asked, {left} left to refund")
            refund_ref = _REFUND_REF_PREFIX + secrets.token_hex(12)
            try:  # the same key used at the same moment on another payment
                await conn.execute(
                    query("sim_provider_refund_insert"),
                    refund_ref,
                    ref,
                    idempotency_key,
                    amount_cents,
                )
            except asyncpg.UniqueViolationError:
                raise IdempotencyKeyReused(idempotency_key) from None
            await conn.execute(query("sim_provider_add_refunded"), ref, amount_cents)
        return ProviderRefund(ref=refund_ref, status="succeeded")

    async def refunds(self, ref: str) -> list[SimRefund]:
        """Every refund of a payment, oldest first."""
        return [_sim_refund(r) for r in await self._pool.fetch(query("sim_provider_refunds"), ref)]

    async def refund_webhooks(self, ref: str, now_s: int) -> list[SignedWebhook]:
        """The `refund.succeeded` webhook of each refund of a payment, the same on every call."""
        payment = await self.payment(ref)
        if payment is None:
            raise UnknownProviderPayment(ref)
        return [
            self._webhook(self._refund_event(payment, refund), now_s)
            for refund in await self.refunds(ref)
        ]

    def parse_webhook(self, body: bytes, signature_header: str | None, now_s: int) -> WebhookEvent:
        """Verify the signature first, then decode: an unsigned body is never parsed."""
        verify(self._webhook_secret, body, signature_header, now_s)
        try:
            return msgspec.json.decode(body, type=WebhookEvent)
        except msgspec.DecodeError as exc:
            raise InvalidWebhook("bad_body", f"signed body is not a webhook event: {exc}") from None

    def _outcome_event(self, payment: SimPayment) -> WebhookEvent:
        # A refunded payment had succeeded: its completion event stays "succeeded".
        kind: WebhookKind = "payment.failed" if payment.status == "failed" else "payment.succeeded"
        if payment.completed_at is None:
            raise RuntimeError(f"payment {payment.ref} has no outcome yet")
        return self._event(payment, kind, payment.amount_cents, payment.completed_at)

    @classmethod
    def _refund_event(cls, payment: SimPayment, refund: SimRefund) -> WebhookEvent:
        event = cls._event(payment, "refund.succeeded", refund.amount_cents, refund.refunded_at)
        suffix = refund.ref.removeprefix(_REFUND_REF_PREFIX)
        return msgspec.structs.replace(
            event, event_id=f"simevt_{suffix}_refund_succeeded", refund_ref=refund.ref
        )

    @staticmethod
    def _event(
        payment: SimPayment, kind: WebhookKind, amount_cents: int, occurred_at: datetime
    ) -> WebhookEvent:
        # Deterministic id per (payment, outcome): a redelivery is recognisably the same event.
        suffix = kind.replace(".", "_")
        return WebhookEvent(
            event_id=f"simevt_{payment.ref.removeprefix(_REF_PREFIX)}_{suffix}",
            kind=kind,
            payment_ref=payment.ref,
            payment_id=payment.payment_id,
            amount_cents=amount_cents,
            occurred_at_s=int(occurred_at.timestamp()),
        )

    def _webhook(self, event: WebhookEvent, now_s: int) -> SignedWebhook:
        body = msgspec.json.encode(event)
        return SignedWebhook(body, sign(self._webhook_secret, body, now_s), event)


async def deliver(webhook: SignedWebhook, url: str, client: httpx.AsyncClient) -> int:
    """POST the webhook exactly as signed; returns the HTTP status (transport errors propagate)."""
    response = await client.post(
        url,
        content=webhook.body,
        headers={SIGNATURE_HEADER: webhook.signature_header, "Content-Type": "application/json"},
    )
    return response.status_code
