"""Errors of the payment layer, each a `RushError` with a stable `code` and HTTP `status`.

They are drawn, with every other error, in the tree of `rush.errors`.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

from rush.errors import RushError

__all__ = [
    "IdempotencyKeyReused",
    "InvalidPaymentRequest",
    "InvalidWebhook",
    "RefundRefused",
    "UnknownProviderPayment",
    "WebhookFault",
]

WebhookFault: TypeAlias = Literal[
    "missing_signature",
    "malformed_signature",
    "bad_signature",
    "stale_timestamp",
    "bad_body",
    "unhandled_event",
]
"""Why a webhook is not acted on; `unhandled_event` is verified but of no concern to Rush (the
webhook endpoint acknowledges it, so the provider stops sending it)."""


class InvalidWebhook(RushError):
    """A webhook we must not act on; `fault` says why, for logs and tests, never for the sender."""

    code = "invalid_webhook"
    status = 400

    def __init__(self, fault: WebhookFault, detail: str) -> None:
        super().__init__(detail)
        self.fault: WebhookFault = fault


class InvalidPaymentRequest(RushError):
    code = "invalid_payment_request"
    status = 400


class IdempotencyKeyReused(RushError):
    """The key already names a different request: answering it would charge the wrong thing."""

    code = "idempotency_key_reused"
    status = 400

    def __init__(self, idempotency_key: str) -> None:
        super().__init__(f"idempotency key {idempotency_key!r} was used for another request")
        self.idempotency_key = idempotency_key


class UnknownProviderPayment(RushError):
    code = "unknown_provider_payment"
    status = 400

    def __init__(self, ref: str) -> None:
        super().__init__(f"the provider has no payment {ref!r}")
        self.ref = ref


class RefundRefused(RushError):
    code = "refund_refused"
    status = 409

    def __init__(self, ref: str, reason: str) -> None:
        super().__init__(f"payment {ref!r} cannot be refunded: {reason}")
        self.ref = ref
        self.reason = reason
