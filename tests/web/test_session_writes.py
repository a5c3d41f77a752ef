"""A signed-in family's session is written when it changes, not on every poll."""

from __future__ import annotations

import asyncpg
from redis.asyncio import Redis

from rush.config import Settings
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.ops_sessions import FAMILY_PASSWORD, signed_in_family


async def _session_key(redis: Redis, session_id: str) -> bytes:
    keys = [k for k in await redis.keys("rush:sessions*") if session_id.encode() in k]
    assert len(keys) == 1
    key: bytes = keys[0]
    return key


async def _session_ttl_ms(redis: Redis, session_id: str) -> int:
    ttl: int = await redis.pttl(await _session_key(redis, session_id))
    return ttl


async def test_polls_and_a_language_choice_leave_the_session_alone_and_a_login_saves_one(
    settings: Settings, pool: asyncpg.Pool, redis: Redis, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family()
    client = await signed_in_family(settings, pool, family.id)
    try:
        session_id = client.cookies["rush_session"]
        ttl_after_login = await _session_ttl_ms(redis, session_id)
        polls = [await client.get("/api/v1/auth/me") for _ in range(3)]
        switched = await client.get("/lang/en", follow_redirects=False)
        assert all(p.status_code == 200 for p in polls)
        assert all("rush_session" not in p.headers.get("set-cookie", "") for p in polls)
        assert "rush_session" not in switched.headers.get("set-cookie", "")
        # No write: the stored session kept counting down from the login.
        assert await _session_ttl_ms(redis, session_id) <= ttl_after_login

        email = await pool.fetchval("SELECT email FROM account WHERE family_id = $1", family.id)
        again = await client.post(
            "/api/v1/auth/login",
            headers={"x-csrftoken": client.cookies["csrftoken"]},
            json={"email": email, "password": FAMILY_PASSWORD},
        )
        assert again.status_code == 200
        assert "rush_session" in again.headers.get("set-cookie", "")
        assert client.cookies["rush_session"] != session_id
        assert await _session_ttl_ms(redis, client.cookies["rush_session"]) > 0
    finally:
        await client.__aexit__(None, None, None)
