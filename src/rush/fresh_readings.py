"""Readings shared by a web process's requests for a fraction of a second.

In a rush, thousands of families ask the same question within the same second: how far the
line has moved, how many places each group has left. A process reads the answer once per
`max_age_s` and per key, however many requests ask, with one read in flight per key that
concurrent requests share. Only for answers every family may see and that only inform
(positions, places shown): every decision (an admission, a hold) is still taken by a Redis
script at the instant it is asked.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["FreshReadings"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class FreshReadings(Generic[K, V]):
    def __init__(
        self,
        read: Callable[[K], Awaitable[V]],
        max_age_s: float,
        *,
        max_keys: int = 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read = read
        self._max_age_s = max_age_s
        self._max_keys = max_keys
        self._clock = clock
        self._latest: dict[K, tuple[float, V]] = {}
        self._reading: dict[K, asyncio.Future[V]] = {}

    async def get(self, key: K) -> V:
        """The reading for `key`, read again when the last one is too old."""
        latest = self._latest.get(key)
        if latest is not None and self._clock() - latest[0] < self._max_age_s:
            return latest[1]
        reading = self._reading.get(key)
        if reading is None:
            reading = asyncio.ensure_future(self._refresh(key))
            self._reading[key] = reading
        # Shielded: a request whose client went away must not cancel the others' reading.
        return await asyncio.shield(reading)

    async def _refresh(self, key: K) -> V:
        try:
            value = await self._read(key)
            if len(self._latest) >= self._max_keys:
                self._latest.clear()  # keys come from requests: never let them pile up
            self._latest[key] = (self._clock(), value)
            return value
        finally:
            del self._reading[key]
