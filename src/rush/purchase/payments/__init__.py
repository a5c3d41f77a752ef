"""Payments: the provider interface, webhook signatures, a simulated provider and Stripe.

`provider` is what Rush depends on; `signing` is the Stripe-style webhook scheme; `simulated`
is a provider kept in Postgres for the demo and the tests; `stripe_provider` (with
`stripe_events`) is Stripe; `factory.build_provider` picks one from the settings. The errors
are drawn in `errors`.
"""

from __future__ import annotations

from rush.purchase.payments.errors import (
    IdempotencyKeyReused,
    InvalidPaymentRequest,
    InvalidWebhook,
    RefundRefused,
    UnknownProviderPayment,
)
from rush.purchase.payments.factory import build_provider, stripe_client
from rush.purchase.payments.provider import (
    PaymentProvider,
    ProviderPayment,
    ProviderRefund,
    SavedCard,
    WebhookEvent,
)
from rush.purchase.payments.signing import SIGNATURE_HEADER
from rush.purchase.payments.simulated import (
    SignedWebhook,
    SimPayment,
    SimRefund,
    SimulatedProvider,
    deliver,
    deliver_charge_webhooks,
)
from rush.purchase.payments.stripe_provider import (
    STRIPE_SIGNATURE_HEADER,
    StripeIntent,
    StripeProvider,
)

__all__ = [
    "SIGNATURE_HEADER",
    "STRIPE_SIGNATURE_HEADER",
    "IdempotencyKeyReused",
    "InvalidPaymentRequest",
    "InvalidWebhook",
    "PaymentProvider",
    "ProviderPayment",
    "ProviderRefund",
    "RefundRefused",
    "SavedCard",
    "SignedWebhook",
    "SimPayment",
    "SimRefund",
    "SimulatedProvider",
    "StripeIntent",
    "StripeProvider",
    "UnknownProviderPayment",
    "WebhookEvent",
    "build_provider",
    "deliver",
    "deliver_charge_webhooks",
    "stripe_client",
]
