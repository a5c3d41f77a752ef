"""The last half hour of a sale's dashboard, for its charts.

The worker that publishes snapshots keeps one compact point every 5 s in a capped Redis list
under the sale's hash tag, so a page opened mid-rush draws the trend at once, and the list
stays a few kilobytes whatever the number of watchers.
"""

from __future__ import annotations

from typing import Any, cast

import msgspec

from rush.engine.keys import sale_keys
from rush.ops.dashboard import DashboardSnapshot
from rush.redis_clients import EngineRedis

__all__ = ["KEEP_MS", "POINT_EVERY_MS", "HistoryPoint", "point_of", "record_point", "sale_history"]

POINT_EVERY_MS = 5_000
KEEP_MS = 30 * 60_000
_SLACK_MS = 500
"""Snapshots come each second, a little late or early: 4.5 s apart is the next point."""
_MAX_POINTS = KEEP_MS // (POINT_EVERY_MS - _SLACK_MS) + 1


class HistoryPoint(msgspec.Struct, frozen=True, array_like=True):
    """One point; encoded as a JSON array, in this order, which the page reads by position."""

    at_ms: int
    waiting: int
    shopping: int
    admissions_per_min: int
    holds_per_min: int
    expiries_per_min: int
    payments_per_min: int
    finalize_lag_ms: int
    places_left: int


_decoder = msgspec.json.Decoder(HistoryPoint)


def point_of(snapshot: DashboardSnapshot) -> HistoryPoint:
    return HistoryPoint(
        at_ms=snapshot.at_ms,
        waiting=snapshot.queue.waiting,
        shopping=snapshot.queue.shopping,
        admissions_per_min=snapshot.queue.measured_rate_per_min,
        holds_per_min=snapshot.flow.holds_per_min,
        expiries_per_min=snapshot.flow.expiries_per_min,
        payments_per_min=snapshot.flow.payments_last_minute,
        finalize_lag_ms=snapshot.flow.finalize_lag_ms,
        places_left=sum(g.places_left for g in snapshot.groups),
    )


async def record_point(redis: EngineRedis, snapshot: DashboardSnapshot) -> bool:
    """Append the snapshot's point unless the last one is under 5 s old; True if appended."""
    key = sale_keys(snapshot.sale_id).history
    last = await cast(Any, redis.lindex(key, -1))
    if last is not None and snapshot.at_ms - _decoder.decode(last).at_ms < (
        POINT_EVERY_MS - _SLACK_MS
    ):
        return False
    async with redis.pipeline(transaction=False) as pipe:
        pipe.rpush(key, msgspec.json.encode(point_of(snapshot)))
        pipe.ltrim(key, -_MAX_POINTS, -1)
        pipe.pexpire(key, KEEP_MS)
        await pipe.execute()
    return True


async def sale_history(redis: EngineRedis, sale_id: int) -> list[HistoryPoint]:
    """The points of the last 30 minutes before the newest one, oldest first."""
    raw = await cast(Any, redis.lrange(sale_keys(sale_id).history, 0, -1))
    points = [_decoder.decode(item) for item in raw]
    if not points:
        return []
    since = points[-1].at_ms - KEEP_MS
    return [p for p in points if p.at_ms >= since]
