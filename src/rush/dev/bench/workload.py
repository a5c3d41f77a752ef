"""The engine benchmark's workload, the same for both systems: clients that hold and release
places, a sell-out race, and the audits the clients keep of what they saw.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from time import perf_counter

__all__ = [
    "SELLOUT_CAPACITY",
    "GiveBack",
    "HoldStore",
    "HoldingAudit",
    "PhaseFigures",
    "PhaseTally",
    "SelloutAudit",
    "TakePlace",
    "percentile",
    "run_phase",
    "sell_out",
]

SELLOUT_CAPACITY = 200

TakePlace = Callable[[int, str], Awaitable[bool]]
"""Tries to take one place of a group under a hold id; False when the group is full."""
GiveBack = Callable[[int, str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class HoldStore:
    """One system under test, seen only through the calls of the workload."""

    hold: TakePlace
    release: GiveBack
    hold_and_confirm: TakePlace
    paid: Callable[[int], Awaitable[int]]


@dataclass(slots=True)
class PhaseTally:
    """What the clients of one phase saw: attempts, successes and hold-call latencies."""

    holds: int = 0
    attempts: int = 0
    refused: int = 0
    latencies_s: list[float] = field(default_factory=list)
    elapsed_s: float = 0.0

    def record(self, latency_s: float, granted: bool) -> None:
        self.attempts += 1
        self.latencies_s.append(latency_s)
        if granted:
            self.holds += 1
        else:
            self.refused += 1


@dataclass(frozen=True, slots=True)
class PhaseFigures:
    """A phase's tally turned into the rates and percentiles that are printed."""

    name: str
    holds_per_s: float
    attempts_per_s: float
    refused: int
    p50_ms: float
    p99_ms: float

    @classmethod
    def of(cls, name: str, tally: PhaseTally) -> PhaseFigures:
        elapsed = tally.elapsed_s or 1.0
        latencies = sorted(tally.latencies_s)
        return cls(
            name,
            round(tally.holds / elapsed, 1),
            round(tally.attempts / elapsed, 1),
            tally.refused,
            round(percentile(latencies, 0.50) * 1000, 3),
            round(percentile(latencies, 0.99) * 1000, 3),
        )


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values; 0 when there are none."""
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class HoldingAudit:
    """Counts, per group, the clients that know they hold a place right now.

    A client enters only after its hold is acknowledged and leaves before its release is sent,
    so the count never exceeds what the store really holds: above capacity means oversold.
    """

    def __init__(self, capacities: Mapping[int, int]) -> None:
        self._capacities = dict(capacities)
        self._holding = dict.fromkeys(capacities, 0)
        self.checked = 0
        self.oversold = 0

    def enter(self, group: int) -> None:
        self._holding[group] += 1
        self.checked += 1
        self.oversold += max(self._holding[group] - self._capacities[group], 0)

    def leave(self, group: int) -> None:
        self._holding[group] -= 1


@dataclass(frozen=True, slots=True)
class SelloutAudit:
    """A sell-out seen twice: by the clients' successful confirms and by the store's paid count."""

    capacity: int
    confirmed_seen: int
    paid_in_store: int

    @property
    def oversold(self) -> int:
        return max(self.confirmed_seen - self.capacity, self.paid_in_store - self.capacity, 0)

    @property
    def exact(self) -> bool:
        return self.confirmed_seen == self.capacity == self.paid_in_store


async def hold_then_release(
    store: HoldStore,
    groups: Sequence[int],
    deadline: float,
    hold_ids: Iterator[str],
    tally: PhaseTally,
    audit: HoldingAudit,
) -> None:
    """One client: hold one place, release it at once, until the deadline."""
    while perf_counter() < deadline:
        group = random.choice(groups)
        hold_id = next(hold_ids)
        started = perf_counter()
        granted = await store.hold(group, hold_id)
        tally.record(perf_counter() - started, granted)
        if granted:
            await audited_release(store, group, hold_id, audit)


async def audited_release(store: HoldStore, group: int, hold_id: str, audit: HoldingAudit) -> None:
    audit.enter(group)
    # Without one turn of the event loop inside the window, no other client could ever be
    # counted in it at the same time and the audit would prove nothing.
    await asyncio.sleep(0)
    audit.leave(group)
    await store.release(group, hold_id)


async def run_phase(
    store: HoldStore,
    groups: Sequence[int],
    seconds: float,
    concurrency: int,
    audit: HoldingAudit,
    prefix: str,
) -> PhaseTally:
    """`concurrency` clients hammer `groups` for `seconds`; hold ids are unique per phase."""
    tally = PhaseTally()
    hold_ids = (f"{prefix}-{n}" for n in itertools.count())
    started = perf_counter()
    deadline = started + seconds
    async with asyncio.TaskGroup() as clients:
        for _ in range(concurrency):
            clients.create_task(hold_then_release(store, groups, deadline, hold_ids, tally, audit))
    tally.elapsed_s = perf_counter() - started
    return tally


async def sell_out(store: HoldStore, group: int, concurrency: int, prefix: str) -> SelloutAudit:
    """All clients race to hold-and-confirm one place at a time until they are refused."""
    hold_ids = (f"{prefix}-{n}" for n in itertools.count())

    async def client() -> int:
        confirmed = 0
        while await store.hold_and_confirm(group, next(hold_ids)):
            confirmed += 1
        return confirmed

    seen = sum(await asyncio.gather(*(client() for _ in range(concurrency))))
    return SelloutAudit(SELLOUT_CAPACITY, seen, await store.paid(group))
