"""The opening morning as a load shape: a crowd gathering before opening, the spike, the tail.

The number of users at any instant is the number of families arrived by then (each spawned a
moment early, so it is ready at its arrival): with `RUSH_TRACE` the trace's own arrivals, else
`RUSH_FAMILIES` families on the model curve of `traces.arrival_offsets`. `RUSH_OPENING_AT_S`
and `RUSH_REPLAY_SPEED` place and compress the morning (see `loadtests.morning`). The run stops
when every family of this process is done, or `RUSH_DRAIN_S` after the last arrival.
"""

from __future__ import annotations

import time
from bisect import bisect_right

from locust import LoadTestShape

from loadtests.morning import current_run

__all__ = ["OpeningMorningShape"]

_SPAWN_EARLY_S = 2.0
"""Real seconds a user is spawned before its family arrives (login takes no arrival time)."""


class OpeningMorningShape(LoadTestShape):
    def tick(self) -> tuple[int, float] | None:
        run = current_run()
        now = time.time()
        total = len(run.arrivals)
        if total == 0 or run.finished >= total:
            return None
        if now > run.clock.wall(run.arrivals[-1]) + run.settings.drain_s:
            return None
        arrived = bisect_right(run.arrivals, run.clock.trace(now + _SPAWN_EARLY_S))
        # Spawn the difference within the one-second tick: the spike is not smoothed away.
        spawn_rate = float(max(arrived - self._current_users(), 1))
        return arrived, spawn_rate

    def _current_users(self) -> int:
        return self.runner.user_count if self.runner is not None else 0
