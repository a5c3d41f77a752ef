"""The app as the fault tests reach it: its emails go to the test's catcher, its jobs to the
test's Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from rush.config import Settings
from tests.support.ops_sessions import Client, signed_in
from web.app import create_app


@pytest.fixture
async def client(app_settings: Settings, clean: None) -> AsyncIterator[Client]:
    """Anonymous: a family's browser, or the provider posting its webhooks."""
    async with AsyncTestClient(app=create_app(app_settings)) as client:
        yield client


@pytest.fixture
async def admin(app_settings: Settings, pool: asyncpg.Pool, clean: None) -> AsyncIterator[Client]:
    client = await signed_in(app_settings, pool, "admin")
    yield client
    await client.__aexit__(None, None, None)
