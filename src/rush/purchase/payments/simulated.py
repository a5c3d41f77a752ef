"""A payment provider that runs inside Rush, for the demo and the tests.

It keeps its state in Postgres (`sim_provider_payment`) and behaves as the real providers do
where Rush depends on it: idempotency keys, a hosted page at `redirect_url`, one outcome per
payment, refunds (several per payment, never above what it charged), and signed webhooks whose
event id survives redelivery.

Cards: a payment opened with `save_card` keeps, once it succeeds, a fake card
(`sim_provider_card`: `simcus_...` and `simpm_...` refs) that its success webhook carries, and
`charge_saved_card` charges it off-session at once. A card charges until a test or the demo
calls `set_card_declines(payment_method_ref, True)` (an expired or emptied card): from then on
its off-session charges are declined, until it is set back to False. Unlike a real provider, the
simulator has no servers of its own: once `deliver_charge_webhooks` gave it the worker's job
queue, each charge queues its signed webhook for a worker to post to Rush (as the hosted page's
answer is posted); without it (the tests), `outcome_webhook` builds that webhook for the caller.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Literal, TypeAlias

import asyncpg
import httpx
import msgspec

from rush.db import Executor, inserted, query
from rush.jobs import DELIVER_WEBHOOK, JobQueue
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
    "deliver_charge_webhooks",
]

SimPaymentStatus: TypeAlias = Literal["requires_action", "succeeded", "failed", "refunded"]

_REF_PREFIX = "simpay_"
_REFUND_REF_PREFIX = "simre_"
_CUSTOMER_PREFIX = "simcus_"
_CARD_PREFIX = "simpm_"


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
    save_card: bool = False
    payment_method_ref: str | None = None
    """The card this payment saved (`save_card`) or charged off-session."""


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
        self._deliveries: JobQueue | None = None

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
            save_card,
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
        """Charge a saved card at once: succeeded, or failed when the card is set to decline;
        the same idempotency key answers the same charge, never a second one."""
        if amount_cents <= 0:
            raise InvalidPaymentRequest(f"cannot charge {amount_cents} cents")
        known = await self._pool.fetchrow(
            query("sim_provider_card"), card.payment_method_ref, card.customer_ref
        )
        if known is None:
            raise InvalidPaymentRequest(f"no saved card {card.payment_method_ref!r}")
        row = await inserted(
            self._pool,
            "sim_provider_charge_card",
            _REF_PREFIX + secrets.token_hex(12),
            payment_id,
            idempotency_key,
            amount_cents,
            description,
            card.payment_method_ref,
            "failed" if known["declines"] else "succeeded",
        )
        if (row["payment_id"], row["amount_cents"], row["payment_method_ref"]) != (
            payment_id,
            amount_cents,
            card.payment_method_ref,
        ):
            raise IdempotencyKeyReused(idempotency_key)
        ref: str = row["id"]
        if self._deliveries is not None:
            webhook = await self.outcome_webhook(ref, int(datetime.now().timestamp()))
            await self._deliveries.enqueue_job(
                DELIVER_WEBHOOK,
                webhook.body,
                webhook.signature_header,
                f"{self._public_base_url}/api/v1/payments/webhook",
                _job_id=f"sim-charge-webhook:{ref}",
            )
        return ref

    def queue_charge_webhooks(self, jobs: JobQueue) -> None:
        """From now on, each charge queues its webhook on `jobs` for a worker to post."""
        self._deliveries = jobs

    async def set_card_declines(self, payment_method_ref: str, declines: bool) -> None:
        """Make a saved card decline (True) or take (False) its next off-session charges."""
        updated = await self._pool.execute(
            query("sim_provider_card_set_declines"), payment_method_ref, declines
        )
        if updated != "UPDATE 1":
            raise InvalidPaymentRequest(f"no saved card {payment_method_ref!r}")

    async def outcome_webhook(self, ref: str, now_s: int) -> SignedWebhook:
        """The signed webhook of a payment's outcome (a charge's, or the page's once answered)."""
        payment = await self.payment(ref)
        if payment is None:
            raise UnknownProviderPayment(ref)
        return self._webhook(self._outcome_event(payment), now_s)

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
                if succeed and row["save_card"]:
                    row = await self._save_card(conn, ref)
        return self._webhook(self._outcome_event(_sim_payment(row)), now_s)

    @staticmethod
    async def _save_card(conn: Executor, ref: str) -> asyncpg.Record:
        suffix = ref.removeprefix(_REF_PREFIX)
        await conn.execute(
            query("sim_provider_card_insert"), _CARD_PREFIX + suffix, _CUSTOMER_PREFIX + suffix
        )
        return await inserted(conn, "sim_provider_payment_set_card", ref, _CARD_PREFIX + suffix)

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
        event = self._event(payment, kind, payment.amount_cents, payment.completed_at)
        if kind == "payment.succeeded" and payment.save_card and payment.payment_method_ref:
            card = SavedCard(
                customer_ref=_CUSTOMER_PREFIX
                + payment.payment_method_ref.removeprefix(_CARD_PREFIX),
                payment_method_ref=payment.payment_method_ref,
            )
            event = msgspec.structs.replace(event, saved_card=card)
        return event

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


def deliver_charge_webhooks(provider: object, jobs: JobQueue) -> None:
    """Let a simulated provider queue the webhooks of its off-session charges; any other
    provider sends its own."""
    if isinstance(provider, SimulatedProvider):
        provider.queue_charge_webhooks(jobs)
