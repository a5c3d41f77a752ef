"""Staff sessions shared by the ops pages' tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from rush.config import Settings
from tests.web.ops_sessions import Client, signed_in


@pytest.fixture
async def admin(settings: Settings, pool: asyncpg.Pool, clean: None) -> AsyncIterator[Client]:
    client = await signed_in(settings, pool, "admin")
    yield client
    await client.__aexit__(None, None, None)


@pytest.fixture
async def supervisor(settings: Settings, pool: asyncpg.Pool, clean: None) -> AsyncIterator[Client]:
    client = await signed_in(settings, pool, "supervisor")
    yield client
    await client.__aexit__(None, None, None)
