"""The `/pay/` page in Chromium: Stripe.js (localstripe's stand-in) loads under the page's
security policy and draws its card field where the form expects it.

localstripe's Stripe.js cannot go further: its `createPaymentMethod` does nothing, so the
payment itself is tested over HTTP, with the PaymentMethod Stripe.js would have made.
"""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator

import asyncpg
import msgspec
import pytest
import uvicorn

from rush.config import Settings
from rush.purchase.payments import StripeProvider, build_provider
from tests.e2e.browsing import chromium, needs_chromium
from web.app import create_app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
async def served(stripe_settings: Settings, clean: None) -> AsyncIterator[Settings]:
    """The app served over real HTTP (a browser needs one): its settings, with its address."""
    port = free_port()
    settings = msgspec.structs.replace(stripe_settings, public_base_url=f"http://127.0.0.1:{port}")
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
        await asyncio.sleep(0.05)
    try:
        yield settings
    finally:
        server.should_exit = True
        await serving


@needs_chromium
async def test_the_pay_page_draws_stripe_js_s_card_field_under_its_own_policy(
    served: Settings, pool: asyncpg.Pool
) -> None:
    provider = build_provider(served, pool)
    assert isinstance(provider, StripeProvider)
    opened = await provider.create_payment(
        uuid.uuid4(), 9500, f"browser-{uuid.uuid4()}", "Camp de jour", f"{served.public_base_url}/"
    )
    console: list[str] = []

    async with chromium() as browser:
        page = await browser.new_page(locale="fr-CA")
        page.on("console", lambda message: console.append(message.text))
        await page.goto(opened.redirect_url)
        card_number = page.locator("#card-element input[placeholder=number]")
        await card_number.wait_for(timeout=10_000)
        fields = await page.locator("#card-element input").count()
        button = await page.get_by_role("button").inner_text()

    assert fields == 5  # localstripe's number, month, year, CVC and postal code
    assert any("localstripe" in line for line in console)
    assert not [line for line in console if "Content Security Policy" in line]
    assert button == "Payer 95,00\xa0$"
