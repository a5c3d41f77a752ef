"""Attempts counted in fixed windows in Redis: the rule behind every rate limit of Rush.

One atomic round trip per attempt (INCR, EXPIRE NX and TTL in one transaction): no lock in
the web process, and every web process sees the same count. The window starts at the first
attempt, so a steady trickle cannot keep extending it, and a counter needs no clean-up.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

__all__ = ["WindowCount", "count_attempt"]


@dataclass(frozen=True, slots=True)
class WindowCount:
    attempts: int
    """Attempts in the current window, this one included."""
    resets_in_s: int
    """Seconds until the window ends (what a refused caller should wait)."""


async def count_attempt(redis: Redis, key: str, window_s: int) -> WindowCount:
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, window_s, nx=True)
        pipe.ttl(key)
        attempts, _, ttl = await pipe.execute()
    return WindowCount(int(attempts), max(int(ttl), 1))
