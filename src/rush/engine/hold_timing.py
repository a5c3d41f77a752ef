"""How long the engine takes to hold a family's places, as the cart path sees it.

Each duration lands in a histogram of fixed buckets, one Redis hash per sale and 10 s slot of
the Redis clock, expiring on its own: recording costs one pipelined round trip and reading
the last minute's p99 is a handful of small hashes, whatever the traffic. Web processes count
in memory and write their counts once a second (`BufferedHoldTimings`): a round trip per
second per process instead of one per hold, on the busiest write of a rush.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError

from rush.engine.keys import sale_keys
from rush.redis_clients import EngineRedis

__all__ = [
    "BUCKET_BOUNDS_MS",
    "MIN_SAMPLES",
    "SLOT_MS",
    "BufferedHoldTimings",
    "HoldTimingReading",
    "HoldTimings",
    "bucket_of",
    "p99_of",
]

BUCKET_BOUNDS_MS = (1, 2, 3, 5, 8, 12, 20, 30, 50, 80, 120, 200, 300, 500, 800, 1200, 2000, 5000)
"""Upper bounds of the buckets; a duration above the last one counts in the last one."""
MIN_SAMPLES = 20
"""Fewer holds than this in the last minute give no p99: one slow hold is not a signal."""
SLOT_MS = 10_000
_SLOTS = 6
_TTL_MS = (_SLOTS + 2) * SLOT_MS

log = logging.getLogger("rush.engine.hold_timing")


@dataclass(frozen=True, slots=True)
class HoldTimingReading:
    samples: int
    p99_ms: int | None


def bucket_of(duration_ms: float) -> int:
    """The smallest bound at or above the duration."""
    index = bisect.bisect_left(BUCKET_BOUNDS_MS, duration_ms)
    return BUCKET_BOUNDS_MS[min(index, len(BUCKET_BOUNDS_MS) - 1)]


def p99_of(histogram: Mapping[int, int]) -> HoldTimingReading:
    """The bucket bound under which 99 % of the samples fall; none below MIN_SAMPLES."""
    samples = sum(histogram.values())
    if samples < MIN_SAMPLES:
        return HoldTimingReading(samples, None)
    needed = 0.99 * samples
    seen = 0
    for bound in sorted(histogram):
        seen += histogram[bound]
        if seen >= needed:
            return HoldTimingReading(samples, bound)
    return HoldTimingReading(samples, max(histogram))


class HoldTimings:
    """Records hold durations of a sale and reads their p99 over the last minute."""

    def __init__(self, redis: EngineRedis) -> None:
        self._redis = redis

    async def record(self, sale_id: int, duration_ms: float, redis_now_ms: int) -> None:
        """Count one hold; `redis_now_ms` is the hold's own Redis time, never the host clock."""
        await self.record_all(sale_id, [(duration_ms, redis_now_ms)])

    async def record_all(self, sale_id: int, holds: Sequence[tuple[float, int]]) -> None:
        """Count several holds (duration ms, Redis time ms) in one round trip."""
        counts = Counter(_sample(sale_id, duration, now) for duration, now in holds)
        await self._write(counts)

    async def _write(self, counts: Mapping[tuple[str, int], int]) -> None:
        if not counts:
            return
        async with self._redis.pipeline(transaction=False) as pipe:
            for (key, bound), count in counts.items():
                pipe.hincrby(key, str(bound), count)
            for key in {key for key, _ in counts}:
                pipe.pexpire(key, _TTL_MS)
            await pipe.execute()

    async def last_minute(self, sale_id: int, redis_now_ms: int) -> HoldTimingReading:
        return await self.recent(sale_id, redis_now_ms, _SLOTS)

    async def recent(self, sale_id: int, redis_now_ms: int, slots: int) -> HoldTimingReading:
        """The p99 over the current 10 s slot and the `slots - 1` before it."""
        current = redis_now_ms // SLOT_MS
        keys = sale_keys(sale_id)
        async with self._redis.pipeline(transaction=False) as pipe:
            for slot in range(current - min(slots, _SLOTS) + 1, current + 1):
                pipe.hgetall(keys.hold_ms_slot(slot))
            replies: list[dict[Any, Any]] = await pipe.execute()
        histogram: Counter[int] = Counter()
        for reply in replies:
            for bound, count in reply.items():
                histogram[int(bound)] += int(count)
        return p99_of(histogram)


def _sample(sale_id: int, duration_ms: float, redis_now_ms: int) -> tuple[str, int]:
    return sale_keys(sale_id).hold_ms_slot(redis_now_ms // SLOT_MS), bucket_of(duration_ms)


class BufferedHoldTimings(HoldTimings):
    """Counts in memory; the first hold after a write schedules the next one `every_s` later.
    A process that dies loses at most that second of samples, never a hold."""

    def __init__(self, redis: EngineRedis, every_s: float = 1.0) -> None:
        super().__init__(redis)
        self._every_s = every_s
        self._pending: Counter[tuple[str, int]] = Counter()
        self._writer: asyncio.Task[None] | None = None

    async def record_all(self, sale_id: int, holds: Sequence[tuple[float, int]]) -> None:
        self._pending.update(_sample(sale_id, duration, now) for duration, now in holds)
        if self._pending and self._writer is None:
            self._writer = asyncio.create_task(self._write_later())

    async def flush(self) -> None:
        """Write what is counted now (on shutdown, and in tests)."""
        pending, self._pending = self._pending, Counter()
        await self._write(pending)

    async def _write_later(self) -> None:
        try:
            await asyncio.sleep(self._every_s)
        finally:
            self._writer = None
        try:
            await self.flush()
        except RedisError as exc:  # Redis away: these samples are lost, the holds are not
            log.warning("hold timings not written: %s", exc)

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
        await self.flush()
