"""The last reconcile's verdict, kept in Redis for the dashboard: how many groups it repaired.

Drift should be zero; a number here means Redis and Postgres disagreed (a Redis restart that
lost writes, a bug) and `rush reconcile` — the worker's cron — put Redis back in line.
"""

from __future__ import annotations

import msgspec
from redis.asyncio import Redis

from rush.engine.keys import LAST_RECONCILE

__all__ = ["DriftReading", "last_drift", "record_drift"]


class DriftReading(msgspec.Struct, frozen=True):
    repaired_groups: int
    at_ms: int


async def record_drift(redis: Redis, repaired_groups: int) -> DriftReading:
    seconds, micros = await redis.time()
    reading = DriftReading(repaired_groups, seconds * 1000 + micros // 1000)
    await redis.set(LAST_RECONCILE, msgspec.json.encode(reading))
    return reading


async def last_drift(redis: Redis) -> DriftReading | None:
    raw = await redis.get(LAST_RECONCILE)
    return None if raw is None else msgspec.json.decode(raw, type=DriftReading)
