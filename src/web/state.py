"""The app's shared resources, created once per process by the app factory's lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg
from litestar import Litestar
from redis.asyncio import Redis

from rush.config import Settings
from rush.db import create_pool
from rush.holds import HoldEngine

__all__ = ["Resources", "resources_lifespan"]


@dataclass(frozen=True, slots=True)
class Resources:
    settings: Settings
    pool: asyncpg.Pool
    redis: Redis
    engine: HoldEngine


@asynccontextmanager
async def resources_lifespan(app: Litestar) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    pool = await create_pool(settings.database_url)
    redis = Redis.from_url(settings.redis_url, max_connections=512)
    app.state.resources = Resources(settings, pool, redis, HoldEngine(redis))
    try:
        yield
    finally:
        await redis.aclose()
        await pool.close()
