"""A signed-in family's session is written when it changes, not on every poll."""

from __future__ import annotations

import asyncpg
from redis.asyncio import Redis

from rush.config import Settings
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.ops_sessions import signed_in_family


async def _session_key(redis: Redis, session_id: str) -> bytes:
    keys = [k for k in await redis.keys("rush:sessions*") if session_id.encode() in k]
    assert len(keys) == 1
    key: bytes = keys[0]
    return key


async def _session_ttl_ms(redis: Redis, session_id: str) -> int:
    ttl: int = await redis.pttl(await _session_key(redis, session_id))
    return ttl


async def test_polls_leave_the_session_alone_and_a_change_still_saves_it(
    settings: Settings, pool: asyncpg.Pool, redis: Redis, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family()
    client = await signed_in_family(settings, pool, family.id)
    try:
        session_id = client.cookies["rush_session"]
        ttl_after_login = await _session_ttl_ms(redis, session_id)
        polls = [await client.get("/api/v1/auth/me") for _ in range(3)]
        assert all(p.status_code == 200 for p in polls)
        assert all("rush_session" not in p.headers.get("set-cookie", "") for p in polls)
        # No write: the stored session kept counting down from the login.
        assert await _session_ttl_ms(redis, session_id) <= ttl_after_login

        before = await redis.get(await _session_key(redis, session_id))
        switched = await client.get("/lang/en", follow_redirects=False)
        assert "rush_session" in switched.headers.get("set-cookie", "")
        assert await redis.get(await _session_key(redis, session_id)) != before
    finally:
        await client.__aexit__(None, None, None)
