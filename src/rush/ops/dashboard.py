"""The numbers ops watch on opening morning, aggregated once for every watcher.

A worker builds one snapshot per sale each second and publishes it; every browser on the
dashboard receives the same snapshot, so a hundred watchers cost what one does.
"""

from __future__ import annotations

import math
import time

import msgspec
from redis.asyncio import Redis

from rush.catalogue.reading import catalogue_groups
from rush.db import query
from rush.engine.drift_log import DriftReading, last_drift
from rush.engine.flow import hold_flow
from rush.engine.hold_timing import HoldTimings
from rush.room.waiting_room import RoomStats
from rush.services import Services

__all__ = [
    "ARQ_QUEUE_KEY",
    "DASHBOARD_CHANNELS_PREFIX",
    "DashboardSnapshot",
    "GroupFill",
    "build_snapshot",
    "dashboard_channel",
]

ARQ_QUEUE_KEY = "arq:queue"
DASHBOARD_CHANNELS_PREFIX = "rush:channels"
"""Redis pub/sub prefix of the channels backend: the worker publishing snapshots and the web
processes relaying them must both use it, and neither imports the other."""


def dashboard_channel(sale_id: int) -> str:
    return f"dashboard:{sale_id}"


class GroupFill(msgspec.Struct, frozen=True):
    group_id: int
    program: str
    name: str
    capacity: int
    paid: int
    held: int
    places_left: int
    waitlist: int
    # English names, for staff who read the dashboard in English (older snapshots have none).
    program_en: str = ""
    name_en: str = ""


class Flow(msgspec.Struct, frozen=True):
    paid_orders: int
    conflicts: int
    refunds: int
    payments_last_minute: int
    awaiting_finalize: int
    finalize_lag_ms: int
    job_queue_depth: int
    # Defaults keep snapshots stored by an older worker readable (rush.ops.dashboard_latest).
    holds_per_min: int = 0
    """New holds over the last minute, counted by the engine on the Redis clock."""
    expiries_per_min: int = 0
    """Holds whose time ran out over the last minute: places families lost."""
    hold_p99_ms: int | None = None
    """p99 of cart hold durations over the last minute; None below a few holds."""
    second_instalments_overdue: int = 0
    """Second instalments declined or past due, unpaid: staff follow them in /ops/orders."""


class Latency(msgspec.Struct, frozen=True):
    postgres_ms: float
    redis_ms: float


class DashboardSnapshot(msgspec.Struct, frozen=True):
    sale_id: int
    at_ms: int
    groups: list[GroupFill]
    queue: RoomStats
    flow: Flow
    latency: Latency
    eta_to_empty_s: int | None = None
    """How long the families in line still wait, at the measured (else the set) pace."""
    reconcile: DriftReading | None = None
    """The last reconcile: groups whose Redis counts it had to repair from Postgres."""


def eta_to_empty_s(queue: RoomStats) -> int | None:
    """Families in line over admissions per minute; None while nobody is being admitted."""
    if queue.waiting == 0:
        return 0
    rate = queue.measured_rate_per_min or queue.rate_per_min
    return math.ceil(queue.waiting * 60 / rate) if rate > 0 else None


async def _timed_ping(services: Services) -> Latency:
    started = time.perf_counter()
    await services.pool.fetchval("SELECT 1")
    postgres = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    await services.redis.ping()
    redis = (time.perf_counter() - started) * 1000
    return Latency(round(postgres, 2), round(redis, 2))


async def _queue_depth(redis: Redis) -> int:
    depth: int = await redis.zcard(ARQ_QUEUE_KEY)
    return depth


async def build_snapshot(services: Services, sale_id: int) -> DashboardSnapshot:
    """Places per group, the waiting room, payments and finalize lag, latencies: one reading."""
    pool = services.pool
    groups = await catalogue_groups(pool, services.engine, sale_id)
    waiting = {
        r["group_id"]: r["waiting"] for r in await pool.fetch(query("dashboard_waitlists"), sale_id)
    }
    flow_row = await pool.fetchrow(query("dashboard_flow"), sale_id)
    assert flow_row is not None
    queue = await services.room.stats(sale_id)
    holds = await hold_flow(services.redis, {g.program_id for g in groups}, queue.now_ms)
    hold_timing = await HoldTimings(services.redis).last_minute(sale_id, queue.now_ms)
    return DashboardSnapshot(
        sale_id=sale_id,
        at_ms=queue.now_ms,
        groups=[
            GroupFill(
                group_id=g.id,
                program=g.program_name_fr,
                name=g.name_fr,
                capacity=g.capacity,
                paid=g.paid,
                held=g.held,
                places_left=g.places_left,
                waitlist=waiting.get(g.id, 0),
                program_en=g.program_name_en,
                name_en=g.name_en,
            )
            for g in groups
        ],
        queue=queue,
        flow=Flow(
            **dict(flow_row.items()),
            job_queue_depth=await _queue_depth(services.jobs_redis),
            holds_per_min=holds.holds_per_min,
            expiries_per_min=holds.expiries_per_min,
            hold_p99_ms=hold_timing.p99_ms,
        ),
        latency=await _timed_ping(services),
        eta_to_empty_s=eta_to_empty_s(queue),
        reconcile=await last_drift(services.redis),
    )
