"""The trivial endpoint the rush benchmark measures every other endpoint against, and what an
anonymous request costs: no session stored."""

from __future__ import annotations

import msgspec
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from rush.config import load_settings
from rush.dev.servers import ServerUrls
from web.app import create_app


async def test_ping_answers_ok_without_a_session(migrated: ServerUrls) -> None:
    settings = msgspec.structs.replace(
        load_settings({"RUSH_ENV": "development"}),
        database_url=migrated.database_url,
        redis_url=migrated.redis_url,
    )
    async with AsyncTestClient(app=create_app(settings)) as client:
        response = await client.get("/api/v1/ping")

    assert response.status_code == 200
    assert response.json() == {"ok": True}


async def test_an_anonymous_request_stores_no_session(migrated: ServerUrls, redis: Redis) -> None:
    settings = msgspec.structs.replace(
        load_settings({"RUSH_ENV": "development"}),
        database_url=migrated.database_url,
        redis_url=migrated.redis_url,
    )
    before = set(await redis.keys("rush:sessions*"))
    async with AsyncTestClient(app=create_app(settings)) as client:
        first = await client.get("/api/v1/ping")
        await client.get("/api/v1/ping")

    assert "rush_session" not in first.cookies
    assert set(await redis.keys("rush:sessions*")) == before
