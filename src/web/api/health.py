"""Liveness and readiness: answers only when both Postgres and Redis answer."""

from __future__ import annotations

import msgspec
from litestar import get
from litestar.datastructures import State
from litestar.exceptions import ServiceUnavailableException


class Health(msgspec.Struct, frozen=True):
    status: str
    postgres: bool
    redis: bool


@get("/health", tags=["health"])
async def health(state: State) -> Health:
    resources = state.resources
    try:
        postgres = await resources.pool.fetchval("SELECT true")
        redis = bool(await resources.redis.ping())
    except Exception as exc:  # any failure of a dependency means "not ready"
        raise ServiceUnavailableException(detail=f"dependency unavailable: {exc}") from exc
    return Health(status="ok", postgres=bool(postgres), redis=redis)
