"""Bringing a database and Redis to a ready state: migrate, optionally seed, reconcile."""

from __future__ import annotations

import asyncpg
from redis.asyncio import Redis

from rush.db import apply_migrations, create_pool
from rush.holds import HoldEngine
from rush.reconcile import ProgramDrift, reconcile_all
from rush.seed import seed_demo_season

__all__ = ["prepare"]


async def prepare(
    database_url: str, redis_url: str, seed: bool
) -> tuple[list[str], bool, list[ProgramDrift]]:
    """Migrate, seed when asked, then rebuild Redis from Postgres."""
    conn = await asyncpg.connect(database_url)
    try:
        applied = await apply_migrations(conn)
        seeded = await seed_demo_season(conn) if seed else False
    finally:
        await conn.close()
    pool = await create_pool(database_url, min_size=1, max_size=2)
    redis = Redis.from_url(redis_url)
    try:
        drifts = await reconcile_all(pool, HoldEngine(redis))
    finally:
        await redis.aclose()
        await pool.close()
    return applied, seeded, drifts
