"""When a web process is too busy for new arrivals: the rule, in plain Python.

At the opening of a big sale the sign-in spike alone can fill every core, and pacing
admissions cannot relieve that. So each web process watches its own saturation, cheaply and
without asking any server: how late its event loop wakes (`watch_loop_lag`, a small periodic
task) and how many requests it is serving. While saturated, it answers new arrivals (sign-in,
sign-up, joining a queue) `503` with `Retry-After` (`ServersBusy`), so families already
admitted keep the cores; their requests are never shed (the web edge decides which is which).

The lag is smoothed, and shedding on lag has hysteresis: it starts when the smoothed lag
reaches `loop_lag_ms` and stops only once it falls below half of it, so one slow tick neither
starts nor ends it. A zero threshold sheds from the start (drills and tests).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from rush.config import Settings
from rush.errors import RushError
from rush.work_gate import WorkGate

__all__ = [
    "MAX_RETRY_SPREAD",
    "PROBE_INTERVAL_S",
    "SPREAD_STEP_S",
    "LagReadings",
    "Saturation",
    "ServersBusy",
    "ShedThresholds",
    "watch_loop_lag",
]

PROBE_INTERVAL_S = 0.05
"""How often the probe sleeps and measures how late it woke: 20 wake-ups a second."""
SPREAD_STEP_S = 10.0
"""Every 10 s a shedding episode lasts widens the `Retry-After` window by one more [n, 2n]."""
MAX_RETRY_SPREAD = 6
"""At most 6 times as wide: with the default n = 5 s, a family waits 5 to 60 s."""
SMOOTHING = 0.3
"""Weight of the newest probe in the smoothed lag (an exponential moving average)."""


class ServersBusy(RushError):
    """This web process is saturated: a new arrival is asked to come back in a few seconds."""

    code = "servers_busy"
    status = 503

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"servers busy, retry after {retry_after} s")
        self.retry_after = retry_after
        """Seconds the family should wait before trying again (the `Retry-After` header)."""


@dataclass(frozen=True, slots=True)
class ShedThresholds:
    """When a process sheds new arrivals; read from `RUSH_SHED_*`."""

    enabled: bool = True
    loop_lag_ms: float = 100.0
    """Smoothed event-loop lag at which shedding starts; it stops below half of it."""
    max_in_flight: int = 64
    """Requests in flight in this process at which new arrivals are shed; 0: no such cap
    (the default is `Settings.shed_max_in_flight`'s, which says why)."""
    retry_after_seconds: int = 5
    """The shortest `Retry-After`; each answer picks between it and twice it, so families
    shed together do not all come back in the same second."""
    work_slots: int = 0
    """Requests at work at once in this process, the purchase path first (`WorkGate`);
    0 (the default until the benchmark shows it helps): no gate, every request works at once."""
    arrival_wait_ms: int = 2000
    """How long a new arrival let in waits for a slot before it is shed after all."""

    @property
    def idle_connection_s(self) -> int:
        """How long a web server keeps a family's idle connection: past the longest wait a
        shed answer can ask for (65 s by default), so the family coming back reuses it. With
        uvicorn's 5 s, a sign-in retried after 5-10 s raced the server's close of its
        connection ("connection closed": 49 sign-ins of 2,000 in `rush bench rush`)."""
        return 2 * self.retry_after_seconds * MAX_RETRY_SPREAD + 5

    @classmethod
    def from_settings(cls, settings: Settings) -> ShedThresholds:
        return cls(
            enabled=settings.shed_new_arrivals,
            loop_lag_ms=float(settings.shed_loop_lag_ms),
            max_in_flight=settings.shed_max_in_flight,
            retry_after_seconds=settings.shed_retry_after_seconds,
            work_slots=settings.shed_work_slots,
            arrival_wait_ms=settings.shed_arrival_wait_ms,
        )


class Saturation:
    """One web process's saturation: fed by the lag probe and the request counter, read on
    every new arrival (attribute reads only, no I/O)."""

    def __init__(
        self,
        thresholds: ShedThresholds,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.thresholds = thresholds
        self.in_flight = 0
        """Requests this process is serving now, waiting for a slot or at work (the web edge
        counts them)."""
        self.gate = WorkGate(thresholds.work_slots) if thresholds.work_slots else None
        """Who works first when slots are short; None: no gate."""
        self.smoothed_lag_ms = 0.0
        self.shed_total: dict[str, int] = {}
        """New arrivals answered `503`, by door (`login`, `signup`, `queue_join`)."""
        self._lagging = self.smoothed_lag_ms >= thresholds.loop_lag_ms
        self._rng = rng or random.Random()
        self._clock = clock
        self._shedding_since: float | None = None
        """When the current shedding episode began (this process's monotonic clock)."""

    @property
    def lagging(self) -> bool:
        """Whether the event loop's smoothed lag says the process is saturated."""
        return self._lagging

    def observe_lag(self, lag_ms: float) -> None:
        """Take one probe's reading: how many milliseconds late the loop woke it."""
        self.smoothed_lag_ms += SMOOTHING * (max(lag_ms, 0.0) - self.smoothed_lag_ms)
        start = self.thresholds.loop_lag_ms
        if self._lagging:
            self._lagging = self.smoothed_lag_ms >= start / 2
        else:
            self._lagging = self.smoothed_lag_ms >= start

    def sheds_new_arrivals(self) -> bool:
        """Whether a new arrival is answered `503` now (asked at each new arrival, so it
        also tells when a shedding episode begins and ends)."""
        limits = self.thresholds
        if not limits.enabled:
            return False
        crowded = 0 < limits.max_in_flight <= self.in_flight
        shedding = self._lagging or crowded
        if not shedding:
            self._shedding_since = None
        elif self._shedding_since is None:
            self._shedding_since = self._clock()
        return shedding

    def shed(self, door: str) -> ServersBusy:
        """Count one new arrival shed at `door`; the error to answer it with."""
        self.shed_total[door] = self.shed_total.get(door, 0) + 1
        shortest = self.thresholds.retry_after_seconds
        return ServersBusy(self._rng.randint(shortest, 2 * shortest * self.retry_spread()))

    def retry_spread(self) -> int:
        """How many times wider than [n, 2n] the `Retry-After` window is: 1 for the first
        `SPREAD_STEP_S` of an episode, one more for each such step it lasts, at most
        `MAX_RETRY_SPREAD`. Each family shed comes back once per wait, so in a long spike a
        wider window means fewer requests spent answering "come back later" (at 10,000
        families at 30x, shed answers were 460 a second on two saturated cores)."""
        if self._shedding_since is None:
            return 1
        steps = int((self._clock() - self._shedding_since) // SPREAD_STEP_S)
        return min(1 + steps, MAX_RETRY_SPREAD)


class LagReadings(Protocol):
    """What takes the probe's readings: `Saturation`, or a wrapper that also records them."""

    def observe_lag(self, lag_ms: float) -> None: ...


async def watch_loop_lag(
    saturation: LagReadings,
    interval_s: float = PROBE_INTERVAL_S,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Measure, forever, how late `asyncio.sleep` wakes on this process's loop; a late wake-up
    means callbacks queued ahead of it, the very wait every request of the process shares."""
    while True:
        before = clock()
        await asyncio.sleep(interval_s)
        saturation.observe_lag((clock() - before - interval_s) * 1000)
