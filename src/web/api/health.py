"""Liveness and readiness (`/health`: Postgres and Redis answer) and the trivial `/api/v1/ping`."""

from __future__ import annotations

import asyncpg
import msgspec
from litestar import get
from litestar.datastructures import State
from litestar.exceptions import ServiceUnavailableException
from redis.exceptions import RedisError

from web.state import resources


class Health(msgspec.Struct, frozen=True):
    status: str
    postgres: bool
    redis: bool


@get("/health", tags=["health"])
async def health(state: State) -> Health:
    services = resources(state).services
    try:
        postgres = bool(await services.pool.fetchval("SELECT true"))
        redis = bool(await services.redis.ping())
    except (OSError, asyncpg.PostgresError, RedisError) as exc:
        raise ServiceUnavailableException(detail=f"dependency unavailable: {exc}") from exc
    return Health(status="ok", postgres=postgres, redis=redis)


class Pong(msgspec.Struct, frozen=True):
    ok: bool


_PONG = Pong(ok=True)


@get("/api/v1/ping", tags=["health"])
async def ping() -> Pong:
    """Touches nothing behind the app: the ceiling the rush benchmark compares endpoints with."""
    return _PONG
