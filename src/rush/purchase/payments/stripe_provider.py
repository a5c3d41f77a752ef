"""Stripe behind Rush's provider interface, through the official SDK's async calls.

Objects used: one Customer per Rush payment opened (the provider only knows the payment, not
the family; it is what a saved card hangs on), one PaymentIntent per attempt (currency cad,
`metadata.payment_id` naming the Rush payment), PaymentMethods created by Stripe.js in the
family's browser, and Refunds (several per PaymentIntent). Every call that moves money carries
an idempotency key; the PaymentIntent opened under a key is also kept in
`stripe_payment_intent`, because Stripe forgets keys after a day and a family may come back
later to pay.

A card to keep for later instalments is attached to the Customer before the PaymentIntent is
confirmed, rather than through `setup_future_usage`, which the localstripe test server lacks.
"""

from __future__ import annotations

import uuid
from typing import Literal, TypeAlias

import asyncpg
import msgspec
import stripe

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
)
from rush.purchase.payments.stripe_events import SAVE_CARD_METADATA, webhook_event

__all__ = ["STRIPE_SIGNATURE_HEADER", "IntentStatus", "StripeIntent", "StripeProvider"]

STRIPE_SIGNATURE_HEADER = "Stripe-Signature"
CURRENCY = "cad"

IntentStatus: TypeAlias = Literal["to_pay", "requires_action", "processing", "paid", "declined"]
"""Where a PaymentIntent stands as its `/pay/` page shows it."""


class StripeIntent(msgspec.Struct, frozen=True, kw_only=True):
    """A PaymentIntent Rush opened, as its `/pay/` page needs it."""

    ref: str
    amount_cents: int
    description: str
    return_url: str
    status: IntentStatus
    client_secret: str
    """For Stripe.js only: to finish a card authentication (3-D Secure) in the browser."""
    card_refused: bool = False
    """The card just offered was refused before any charge (Stripe would not keep it): the
    family may offer another on the same page."""


class _Opened(msgspec.Struct, frozen=True):
    idempotency_key: str
    intent_id: str
    payment_id: uuid.UUID
    amount_cents: int
    customer_id: str
    save_card: bool
    return_url: str


def _opened(row: asyncpg.Record | None) -> _Opened | None:
    return None if row is None else _Opened(**dict(row.items()))


def _status(intent: stripe.PaymentIntent) -> IntentStatus:
    if intent.status == "succeeded":
        return "paid"
    if intent.status in ("processing", "requires_capture"):
        return "processing"
    if intent.status == "requires_action":
        return "requires_action"
    # A declined card leaves the intent waiting for another card; Rush then opens a new
    # attempt from the order page, so this one is over.
    return "declined" if intent.last_payment_error is not None else "to_pay"


class StripeProvider:
    """`PaymentProvider` on Stripe; `intent` and `pay_with_card` serve the `/pay/` page."""

    name: str = "stripe"
    signature_header: str = STRIPE_SIGNATURE_HEADER

    def __init__(
        self,
        pool: asyncpg.Pool,
        client: stripe.StripeClient,
        webhook_secret: str,
        public_base_url: str,
    ) -> None:
        self._pool = pool
        self._client = client
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
        """Open a PaymentIntent on a new Customer; a key already seen answers its intent again."""
        opened = _opened(await self._pool.fetchrow(query("stripe_intent_by_key"), idempotency_key))
        if opened is None:
            if amount_cents <= 0:
                raise InvalidPaymentRequest(f"cannot charge {amount_cents} cents")
            metadata = {"payment_id": str(payment_id)}
            customer = await self._client.v1.customers.create_async(
                {"description": description, "metadata": metadata},
                {"idempotency_key": f"{idempotency_key}:customer"},
            )
            intent = await self._create_intent(
                {
                    "amount": amount_cents,
                    "currency": CURRENCY,
                    "customer": customer.id,
                    # localstripe takes no `description`: the metadata carries it.
                    "metadata": {
                        **metadata,
                        "description": description,
                        SAVE_CARD_METADATA: "1" if save_card else "0",
                    },
                },
                idempotency_key,
            )
            opened = await self._record(
                idempotency_key,
                intent.id,
                payment_id,
                amount_cents,
                customer.id,
                save_card,
                return_url,
            )
        if (opened.payment_id, opened.amount_cents) != (payment_id, amount_cents):
            raise IdempotencyKeyReused(idempotency_key)
        return ProviderPayment(
            ref=opened.intent_id, redirect_url=f"{self._public_base_url}/pay/{opened.intent_id}"
        )

    async def charge_saved_card(
        self,
        payment_id: uuid.UUID,
        amount_cents: int,
        idempotency_key: str,
        description: str,
        card: SavedCard,
    ) -> str:
        """Create and confirm a PaymentIntent off-session on the saved card; a decline still
        returns the intent's ref, its `payment_intent.payment_failed` webhook tells the rest."""
        opened = _opened(await self._pool.fetchrow(query("stripe_intent_by_key"), idempotency_key))
        if opened is None:
            params: stripe.params.PaymentIntentCreateParams = {
                "amount": amount_cents,
                "currency": CURRENCY,
                "customer": card.customer_ref,
                "payment_method": card.payment_method_ref,
                "off_session": True,
                "confirm": True,
                "metadata": {"payment_id": str(payment_id), "description": description},
            }
            try:
                ref = (await self._create_intent(params, idempotency_key)).id
            except stripe.CardError as exc:
                ref = await self._declined_intent_ref(exc)
            opened = await self._record(
                idempotency_key, ref, payment_id, amount_cents, card.customer_ref, False
            )
        if (opened.payment_id, opened.amount_cents) != (payment_id, amount_cents):
            raise IdempotencyKeyReused(idempotency_key)
        return opened.intent_id

    async def refund(self, ref: str, amount_cents: int, idempotency_key: str) -> ProviderRefund:
        """A partial (or whole) Refund of a PaymentIntent, naming the Rush payment it gives back."""
        opened = _opened(await self._pool.fetchrow(query("stripe_intent_by_ref"), ref))
        if opened is None:
            raise UnknownProviderPayment(ref)
        try:
            refund = await self._client.v1.refunds.create_async(
                {
                    "payment_intent": ref,
                    "amount": amount_cents,
                    "metadata": {"payment_id": str(opened.payment_id)},
                },
                {"idempotency_key": idempotency_key},
            )
        except stripe.IdempotencyError:
            raise IdempotencyKeyReused(idempotency_key) from None
        except stripe.InvalidRequestError as exc:
            raise RefundRefused(ref, exc.user_message or "Stripe refused the refund") from None
        if refund.status == "succeeded":
            return ProviderRefund(ref=refund.id, status="succeeded")
        failed = refund.status in ("failed", "canceled")
        return ProviderRefund(ref=refund.id, status="failed" if failed else "pending")

    def parse_webhook(self, body: bytes, signature_header: str | None, now_s: int) -> WebhookEvent:
        """Verify with the SDK (which reads the clock itself, so `now_s` is not used), then read."""
        if not signature_header:
            raise InvalidWebhook("missing_signature", f"no {STRIPE_SIGNATURE_HEADER} header")
        try:
            event = self._client.construct_event(body, signature_header, self._webhook_secret)
        except stripe.SignatureVerificationError:
            raise InvalidWebhook("bad_signature", "no valid Stripe signature") from None
        except ValueError:
            raise InvalidWebhook("bad_body", "signed body is not JSON") from None
        return webhook_event(event.to_dict())

    async def intent(self, ref: str) -> StripeIntent | None:
        """A PaymentIntent this Rush opened for a family to pay, or None (the page's 404)."""
        opened = _opened(await self._pool.fetchrow(query("stripe_intent_by_ref"), ref))
        if opened is None or not opened.return_url:
            return None  # unknown, or charged off-session: no family pays it on a page
        return await self._shown(opened)

    async def _shown(self, opened: _Opened, card_refused: bool = False) -> StripeIntent:
        ref = opened.intent_id
        intent = await self._client.v1.payment_intents.retrieve_async(ref)
        return StripeIntent(
            ref=ref,
            card_refused=card_refused,
            amount_cents=opened.amount_cents,
            description=str(intent.to_dict().get("metadata", {}).get("description", "")),
            return_url=opened.return_url,
            status=_status(intent),
            client_secret=intent.client_secret or "",
        )

    async def pay_with_card(self, ref: str, payment_method_ref: str) -> StripeIntent:
        """Confirm the PaymentIntent with the card Stripe.js created in the family's browser,
        keeping the card on the Customer first when the family agreed to it."""
        opened = _opened(await self._pool.fetchrow(query("stripe_intent_by_ref"), ref))
        if opened is None:
            raise UnknownProviderPayment(ref)
        if opened.save_card:
            try:
                attached = await self._client.v1.payment_methods.attach_async(
                    payment_method_ref,
                    {"customer": opened.customer_id},
                    {"idempotency_key": f"{ref}:attach:{payment_method_ref}"},
                )
            except stripe.CardError:
                return await self._shown(opened, card_refused=True)
            payment_method_ref = attached.id
        try:
            # localstripe's confirm takes no payment method: set it first, then confirm.
            await self._client.v1.payment_intents.update_async(
                ref, {"payment_method": payment_method_ref}
            )
            await self._client.v1.payment_intents.confirm_async(
                ref, options={"idempotency_key": f"{ref}:confirm:{payment_method_ref}"}
            )
        except stripe.CardError:
            pass  # the intent now says it was declined; its webhook tells Rush
        return await self._shown(opened)

    async def _create_intent(
        self, params: stripe.params.PaymentIntentCreateParams, idempotency_key: str
    ) -> stripe.PaymentIntent:
        try:
            return await self._client.v1.payment_intents.create_async(
                params, {"idempotency_key": idempotency_key}
            )
        except stripe.IdempotencyError:
            raise IdempotencyKeyReused(idempotency_key) from None

    async def _declined_intent_ref(self, exc: stripe.CardError) -> str:
        """The PaymentIntent a decline happened on: Stripe names it in the error; localstripe
        names only the charge, which names its intent."""
        error = exc.error
        if error is not None and error.payment_intent is not None:
            return error.payment_intent.id
        if error is not None and error.charge:
            charge = await self._client.v1.charges.retrieve_async(error.charge)
            if isinstance(charge.payment_intent, str):
                return charge.payment_intent
        raise InvalidPaymentRequest(f"Stripe declined the card without an intent: {exc}")

    async def _record(
        self,
        idempotency_key: str,
        intent_id: str,
        payment_id: uuid.UUID,
        amount_cents: int,
        customer_id: str,
        save_card: bool,
        return_url: str = "",
    ) -> _Opened:
        row = await inserted(
            self._pool,
            "stripe_intent_record",
            idempotency_key,
            intent_id,
            payment_id,
            amount_cents,
            customer_id,
            save_card,
            return_url,
        )
        opened = _opened(row)
        assert opened is not None
        return opened
