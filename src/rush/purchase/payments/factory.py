"""The one place a process picks its payment provider from the settings."""

from __future__ import annotations

import asyncpg
import stripe

from rush.config import Settings
from rush.purchase.payments.provider import PaymentProvider
from rush.purchase.payments.simulated import SimulatedProvider
from rush.purchase.payments.stripe_provider import StripeProvider

__all__ = ["build_provider", "stripe_client"]


def stripe_client(settings: Settings) -> stripe.StripeClient:
    """The SDK's client on httpx (async calls), pointed at `stripe_api_base` when one is set."""
    return stripe.StripeClient(
        settings.stripe_secret_key,
        base_addresses={"api": settings.stripe_api_base} if settings.stripe_api_base else {},
        http_client=stripe.HTTPXClient(),
        max_network_retries=2,
    )


def build_provider(settings: Settings, pool: asyncpg.Pool) -> PaymentProvider:
    """`RUSH_PAYMENT_PROVIDER`'s provider: the web app and the worker build it the same way."""
    if settings.payment_provider == "stripe":
        return StripeProvider(
            pool, stripe_client(settings), settings.webhook_secret, settings.public_base_url
        )
    return SimulatedProvider(pool, settings.webhook_secret, settings.public_base_url)
