"""The run's settings and clock, shared by the family users and the load shape.

Everything is read from the environment once (locust passes no arguments to a user class):

| variable | meaning |
| --- | --- |
| `RUSH_TRACE` | the trace to replay (JSON lines, see `loadtests.traces`) |
| `RUSH_SALE_ID` | the sale, when not the trace's own |
| `RUSH_FAMILIES` | replay only the first N families (without a trace: the shape's curve) |
| `RUSH_REPLAY_SPEED` | 1 = real time, 10 = ten trace seconds per real second |
| `RUSH_OPENING_AT` | the opening instant, unix seconds (use it with several locust workers) |
| `RUSH_OPENING_AT_S` | or: seconds after the start (default: first arrival 5 s into the run) |
| `RUSH_RECORD_TRACE` | write what each family actually did to this trace file |
| `RUSH_DRAIN_S` | real seconds the shape waits after the last arrival before stopping (300) |
| `RUSH_ORDER_WAIT_S` | real seconds a family waits for its order to turn paid (120) |
| `RUSH_LOCUST_WORKERS` | how many locust workers share the trace (each takes every Nth family) |
| `RUSH_ADMIN_EMAIL`, `RUSH_ADMIN_PASSWORD` | when set, the run prepares and opens the sale |
| `RUSH_ADMISSION_RATE`, `RUSH_MAX_SHOPPERS` | the pace the opener sets before opening |
| `RUSH_PURCHASE_BASE_URL` | the purchase path goes there, as a balancer routes it |
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from loadtests.traces import FamilyPlan, arrival_offsets, iter_plans, read_header

__all__ = ["MorningClock", "MorningSettings", "RunState", "current_run", "end_run"]

_LEAD_S = 5.0
"""Real seconds between the start of a run and its first arrival, by default."""


def _float(env: Mapping[str, str], name: str) -> float | None:
    value = env.get(name, "").strip()
    return float(value) if value else None


def _int(env: Mapping[str, str], name: str) -> int | None:
    value = env.get(name, "").strip()
    return int(value) if value else None


@dataclass(frozen=True, slots=True)
class MorningSettings:
    trace: Path | None = None
    sale_id: int | None = None
    families: int | None = None
    speed: float = 1.0
    opening_at: float | None = None
    opening_at_s: float | None = None
    record: Path | None = None
    drain_s: float = 300.0
    order_wait_s: float = 120.0
    workers: int = 1
    admin_email: str = ""
    admin_password: str = ""
    admission_rate: int | None = None
    max_shoppers: int | None = None
    purchase_base_url: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> MorningSettings:
        env = os.environ if environ is None else environ
        trace = env.get("RUSH_TRACE", "").strip()
        record = env.get("RUSH_RECORD_TRACE", "").strip()
        speed = _float(env, "RUSH_REPLAY_SPEED") or 1.0
        if speed <= 0:
            raise ValueError("RUSH_REPLAY_SPEED must be positive")
        return cls(
            trace=Path(trace) if trace else None,
            sale_id=_int(env, "RUSH_SALE_ID"),
            families=_int(env, "RUSH_FAMILIES"),
            speed=speed,
            opening_at=_float(env, "RUSH_OPENING_AT"),
            opening_at_s=_float(env, "RUSH_OPENING_AT_S"),
            record=Path(record) if record else None,
            drain_s=_float(env, "RUSH_DRAIN_S") or 300.0,
            order_wait_s=_float(env, "RUSH_ORDER_WAIT_S") or 120.0,
            workers=max(_int(env, "RUSH_LOCUST_WORKERS") or 1, 1),
            admin_email=env.get("RUSH_ADMIN_EMAIL", ""),
            admin_password=env.get("RUSH_ADMIN_PASSWORD", ""),
            admission_rate=_int(env, "RUSH_ADMISSION_RATE"),
            max_shoppers=_int(env, "RUSH_MAX_SHOPPERS"),
            purchase_base_url=env.get("RUSH_PURCHASE_BASE_URL", "").strip(),
        )

    def arrivals(self) -> list[float]:
        """Trace seconds of every arrival of the run, sorted: the trace's, or the model curve's."""
        if self.trace is not None:
            plans = islice(iter_plans(self.trace), self.families)
            return sorted(p.arrival_s for p in plans)
        return arrival_offsets(self.families or 1000, seed=1)

    def plans(self, worker_index: int) -> Iterator[FamilyPlan]:
        """The families this locust process plays: every `workers`-th from `worker_index`."""
        if self.trace is None:
            raise RuntimeError("set RUSH_TRACE to the trace the family users replay")
        plans = islice(iter_plans(self.trace), self.families)
        return islice(plans, worker_index % self.workers, None, self.workers)

    def sale(self) -> int:
        if self.sale_id is not None:
            return self.sale_id
        if self.trace is None:
            raise RuntimeError("set RUSH_TRACE or RUSH_SALE_ID")
        return read_header(self.trace).sale_id


@dataclass(frozen=True, slots=True)
class MorningClock:
    """Maps trace seconds (from opening) to wall-clock seconds and back, at the replay speed."""

    opening_wall: float
    speed: float

    def wall(self, trace_s: float) -> float:
        return self.opening_wall + trace_s / self.speed

    def trace(self, wall: float) -> float:
        return (wall - self.opening_wall) * self.speed

    @classmethod
    def starting(
        cls, settings: MorningSettings, started_at: float, first_arrival_s: float
    ) -> MorningClock:
        """Opening at `RUSH_OPENING_AT`, else that long after the start, else just late enough
        that the earliest family arrives a few seconds into the run."""
        if settings.opening_at is not None:
            return cls(settings.opening_at, settings.speed)
        if settings.opening_at_s is not None:
            return cls(started_at + settings.opening_at_s, settings.speed)
        before = max(0.0, -first_arrival_s) / settings.speed
        return cls(started_at + before + _LEAD_S, settings.speed)


@dataclass(slots=True)
class RunState:
    """What the users and the shape of one locust process share during one run."""

    settings: MorningSettings
    arrivals: list[float]
    clock: MorningClock
    finished: int = 0
    completed: int = 0
    """Mornings played to their end; `finished` also counts those locust cut short."""
    plans: Iterator[FamilyPlan] | None = None
    handed_out: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    @classmethod
    def start(cls, settings: MorningSettings, started_at: float | None = None) -> RunState:
        arrivals = settings.arrivals()
        first = arrivals[0] if arrivals else 0.0
        clock = MorningClock.starting(settings, started_at or time.time(), first)
        return cls(settings, arrivals, clock)

    def next_plan(self, worker_index: int) -> FamilyPlan | None:
        if self.plans is None:
            self.plans = self.settings.plans(worker_index)
        plan = next(self.plans, None)
        if plan is not None:
            self.handed_out += 1
        return plan

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


_current: RunState | None = None


def current_run() -> RunState:
    """This process's run, begun on first use (the shape's first tick or the first user)."""
    global _current
    if _current is None:
        _current = RunState.start(MorningSettings.from_env())
    return _current


def end_run() -> RunState | None:
    """Forget the run (returned), so the next one (the web UI's Start again) reads a new clock."""
    global _current
    run, _current = _current, None
    return run
