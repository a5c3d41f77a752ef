"""Clients shared by the web tests: a family and staff through the app, signed in."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from rush.config import Settings
from rush.families.accounts import create_staff_account
from tests.support.api_family import call
from tests.web.ops_sessions import Client, signed_in
from web.app import create_app


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


@pytest.fixture
async def family_client(app_settings: Settings, clean: None) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(app_settings)) as client:
        yield client


@pytest.fixture
async def admin_client(
    app_settings: Settings, pool: asyncpg.Pool, clean: None
) -> AsyncIterator[Client]:
    await create_staff_account(
        pool, email="admin@ville.qc.ca", password="admin password 1", role="admin"
    )
    async with AsyncTestClient(app=create_app(app_settings)) as client:
        await call(
            client,
            "post",
            "/api/v1/auth/login",
            json={"email": "admin@ville.qc.ca", "password": "admin password 1"},
        )
        yield client
