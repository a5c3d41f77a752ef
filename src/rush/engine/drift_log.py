"""The last reconcile's verdict, kept in Redis for the dashboard: how many groups it repaired.

Drift should be zero; a number here means Redis and Postgres disagreed (a Redis restart that
lost writes, a bug) and `rush reconcile` — the worker's cron — put Redis back in line.
"""

from __future__ import annotations

import msgspec

from rush.engine.keys import LAST_RECONCILE
from rush.redis_clients import EngineRedis, server_time_ms

__all__ = ["DriftReading", "last_drift", "record_drift"]


class DriftReading(msgspec.Struct, frozen=True):
    repaired_groups: int
    at_ms: int


async def record_drift(redis: EngineRedis, repaired_groups: int) -> DriftReading:
    reading = DriftReading(repaired_groups, await server_time_ms(redis))
    await redis.set(LAST_RECONCILE, msgspec.json.encode(reading))
    return reading


async def last_drift(redis: EngineRedis) -> DriftReading | None:
    raw = await redis.get(LAST_RECONCILE)
    return None if raw is None else msgspec.json.decode(raw, type=DriftReading)
