"""Payments: the provider interface, webhook signatures, and a simulated provider.

`provider` is what Rush depends on; `signing` is the Stripe-style webhook scheme; `simulated`
is a provider kept in Postgres for the demo and the tests. The errors are drawn in `errors`.
"""

from __future__ import annotations

from rush.purchase.payments.errors import (
    IdempotencyKeyReused,
    InvalidPaymentRequest,
    InvalidWebhook,
    RefundRefused,
    UnknownProviderPayment,
)
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

__all__ = [
    "SIGNATURE_HEADER",
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
    "UnknownProviderPayment",
    "WebhookEvent",
    "deliver",
    "deliver_charge_webhooks",
]
