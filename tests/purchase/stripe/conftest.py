"""Rush with the Stripe provider, against a localstripe process started once per session."""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator, Iterator

import asyncpg
import msgspec
import pytest
import stripe
from litestar.testing import AsyncTestClient

from rush.config import Settings
from rush.families.accounts import create_staff_account
from rush.purchase.payments import StripeProvider, build_provider, stripe_client
from tests.support.api_family import Client, call
from tests.support.localstripe import StripeWebhookCatcher, running_localstripe, webhook_catcher
from web.app import create_app

WEBHOOK_SECRET = "whsec_rush_localstripe"

if importlib.util.find_spec("localstripe") is None:
    pytest.skip("localstripe is not installed", allow_module_level=True)


@pytest.fixture(scope="session")
def localstripe() -> Iterator[str]:
    with running_localstripe() as url:
        yield url


@pytest.fixture(scope="session")
def stripe_webhooks(localstripe: str) -> Iterator[StripeWebhookCatcher]:
    with webhook_catcher(localstripe, WEBHOOK_SECRET) as catcher:
        yield catcher


@pytest.fixture
def stripe_settings(app_settings: Settings, localstripe: str) -> Settings:
    return msgspec.structs.replace(
        app_settings,
        payment_provider="stripe",
        stripe_secret_key="sk_test_rush_localstripe",
        stripe_publishable_key="pk_test_rush_localstripe",
        webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=localstripe,
        stripe_js_url=f"{localstripe}/js.stripe.com/v3/",
    )


@pytest.fixture
def stripe_api(stripe_settings: Settings) -> stripe.StripeClient:
    """The Stripe API as Stripe.js and the Stripe dashboard see it, for a test to look."""
    return stripe_client(stripe_settings)


@pytest.fixture
def stripe_provider(stripe_settings: Settings, pool: asyncpg.Pool, clean: None) -> StripeProvider:
    provider = build_provider(stripe_settings, pool)
    assert isinstance(provider, StripeProvider)
    return provider


@pytest.fixture
async def stripe_family(stripe_settings: Settings, clean: None) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(stripe_settings)) as client:
        yield client


@pytest.fixture
async def stripe_admin(
    stripe_settings: Settings, pool: asyncpg.Pool, clean: None
) -> AsyncIterator[Client]:
    await create_staff_account(
        pool, email="admin@ville.qc.ca", password="admin password 1", role="admin"
    )
    async with AsyncTestClient(app=create_app(stripe_settings)) as client:
        await call(
            client,
            "post",
            "/api/v1/auth/login",
            json={"email": "admin@ville.qc.ca", "password": "admin password 1"},
        )
        yield client
