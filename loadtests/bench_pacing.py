"""How `rush bench rush` paces its sale: self-pacing from a measured start, or the fixed pace.

By default, as for a new sale, the sale paces itself. Before the rush a short calibration
phase holds carts on a sale of its own (closed-loop users, as the hold ceiling phase after the
rush), which gives the web CPU of one hold request. An admitted family's work is its holds and
the rest of its morning counted in holds (`OTHER_WORK_IN_HOLDS`); `rush.room.starting_rate`
turns that cost and the web cores into the rate the sale starts at. The worker's self-pacing
then moves it to keep admitted families' hold p99 under the sale's target. With `--fixed-pace`,
the old pace: every family admitted within about `admit_seconds`, which is also self-pacing's
ceiling, so the two runs compare.
"""

from __future__ import annotations

import math
import os
from typing import Any, Protocol

import asyncpg
import msgspec
from redis.asyncio import Redis

from loadtests.bench_holders import prepare_holders
from loadtests.bench_sessions import CeilingPlan, sign_in_all
from loadtests.bench_stats import EndpointStats
from loadtests.queries import query
from loadtests.traces import Trace
from rush.engine.holds import HoldEngine
from rush.room.sales import open_sale
from rush.room.self_pacer import (
    SelfPacingConfig,
    configure_self_pacing,
    self_pacing_changes,
    self_pacing_config,
)
from rush.room.starting_rate import UTILISATION, starting_rate_per_min
from rush.room.waiting_room import WaitingRoom

__all__ = [
    "CALIBRATION_USERS",
    "StartPace",
    "family_cost_in_holds",
    "fixed_rate_per_min",
    "keep_pace_fixed",
    "latency_figures",
    "pace_figures",
    "pace_sale_itself",
    "prepare_calibration",
    "start_pace",
]

CALIBRATION_USERS = 32
"""Closed-loop holders of the calibration: enough to keep a few web processes busy, so the
CPU they measure is the hold's own, not an idle server's."""
OTHER_WORK_IN_HOLDS = 12.0
"""The web CPU of an admitted family's requests besides its holds (the groups, checkout, the
payment page, looks at its order), in holds. On the 2026-12-03 runs a whole family cost about
25 holds (24.5 ms of web CPU, a hold about 1 ms) and the requests after admission were about
three fifths of it by latency at low load; the JSON line's `family_cost_in_holds` tells each run
how far off the whole-family side is."""
PACE_LOG_LIMIT = 100
"""Self-pacing's changes the JSON line lists (seconds from opening, rates, readings), last ones
kept: at one change per 5 s at most, a ten-minute rush."""
FLOOR_SHARE = 4
"""Self-pacing's floor in the benchmark is a quarter of the start: a run that reads over target
at opening (sign-ins of the spike, not admitted families) must not crawl for the rest of it."""


class _Phase(Protocol):
    cpu_s: dict[str, float]
    stats: dict[str, EndpointStats]


class StartPace(msgspec.Struct, frozen=True, kw_only=True):
    """The rate self-pacing starts from, and the figures it was derived from."""

    rate_per_min: int
    web_cpu_ms_per_hold: float | None
    holds_measured: int
    admitted_family_in_holds: float
    """Hold requests an admitted family makes, plus the rest of its work counted in holds."""
    web_cpu_ms_per_admitted_family: float | None
    cores: float
    """The smaller of the two below: the cores the start rate counts on."""
    cores_available: int
    """Web processes, or the machine's cores when fewer."""
    web_cores_measured: float | None
    """Cores the web processes kept busy through the calibration, its users saturating them."""
    utilisation: float
    floor_per_min: int
    ceiling_per_min: int


def fixed_rate_per_min(families: int, admit_seconds: float) -> int:
    """The fixed pace: every family of the trace admitted within about `admit_seconds`."""
    return max(1, math.ceil(families * 60 / max(admit_seconds, 1.0)))


async def prepare_calibration(
    pool: asyncpg.Pool, redis: Redis, base_url: str, sale_id: int, trace: Trace, users: int
) -> CeilingPlan:
    """Families admitted to a calibration sale with a draft to hold, signed in now."""
    calibration_id: int = await pool.fetchval(query("bench_calibration_sale"), sale_id)
    by_email = {p.email: p for p in trace.families}
    emails = await prepare_holders(pool, HoldEngine(redis), calibration_id, list(by_email), users)
    await open_sale(pool, WaitingRoom(redis), calibration_id)
    signed_in = await sign_in_all(
        base_url, [by_email[e] for e in emails], calibration_id, join=True
    )
    holders = [s for s in signed_in if s.admission_token is not None]
    return CeilingPlan(
        sale_id=calibration_id, line_sale_id=calibration_id, pollers=[], holders=holders
    )


def _holds_per_family(trace: Trace) -> float:
    """Hold requests an admitted family makes at most: one per distinct list of groups."""
    if not trace.families:
        return 1.0
    holds = [len({tuple(w) for w in plan.wants if w}) for plan in trace.families]
    return sum(holds) / len(holds)


def start_pace(
    calibration: _Phase, trace: Trace, web_processes: int, ceiling_per_min: int, floor_per_min: int
) -> StartPace:
    """The start rate from the calibration's web CPU per hold and the web cores.

    Each web process runs one event loop, so it uses one core at most: the cores available are
    the web processes, or the machine's cores when there are fewer. On a machine the web shares
    with Postgres, Valkey, the workers and the load generator, it gets fewer: the cores its
    processes kept busy while the calibration's users saturated them, when that is less."""
    stats = calibration.stats.get("hold")
    holds = stats.count if stats else 0
    web_s = calibration.cpu_s.get("web")
    ms_per_hold = web_s * 1000 / holds if web_s is not None and holds else None
    in_holds = _holds_per_family(trace) + OTHER_WORK_IN_HOLDS
    ms_per_family = ms_per_hold * in_holds if ms_per_hold is not None else None
    available = max(1, min(web_processes, os.cpu_count() or 1))
    busy = ms_per_hold * stats.rps / 1000 if ms_per_hold is not None and stats else None
    cores = min(available, busy) if busy else float(available)
    rate = starting_rate_per_min(
        ms_per_family if ms_per_family is not None else 0.0, cores, floor_per_min, ceiling_per_min
    )
    return StartPace(
        rate_per_min=rate,
        web_cpu_ms_per_hold=None if ms_per_hold is None else round(ms_per_hold, 3),
        holds_measured=holds,
        admitted_family_in_holds=round(in_holds, 2),
        web_cpu_ms_per_admitted_family=None if ms_per_family is None else round(ms_per_family, 3),
        cores=round(cores, 2),
        cores_available=available,
        web_cores_measured=None if busy is None else round(busy, 2),
        utilisation=UTILISATION,
        floor_per_min=floor_per_min,
        ceiling_per_min=ceiling_per_min,
    )


async def pace_sale_itself(pool: asyncpg.Pool, sale_id: int, pace: StartPace) -> SelfPacingConfig:
    """Switch self-pacing on within the start's bounds, the sale's own targets kept; the floor
    goes up to a quarter of the start. Returns the configuration set."""
    config = await self_pacing_config(pool, sale_id)
    floor = min(pace.ceiling_per_min, max(pace.floor_per_min, pace.rate_per_min // FLOOR_SHARE))
    paced = msgspec.structs.replace(
        config, enabled=True, floor_per_min=floor, ceiling_per_min=pace.ceiling_per_min
    )
    await configure_self_pacing(pool, sale_id, paced)
    return paced


async def keep_pace_fixed(pool: asyncpg.Pool, sale_id: int) -> SelfPacingConfig:
    """Switch self-pacing off (new sales have it on): the rate stays as the benchmark set it."""
    config = msgspec.structs.replace(await self_pacing_config(pool, sale_id), enabled=False)
    await configure_self_pacing(pool, sale_id, config)
    return config


async def pace_figures(
    pool: asyncpg.Pool,
    sale_id: int,
    rate_per_min: int,
    pace: StartPace | None,
    config: SelfPacingConfig,
) -> dict[str, Any]:
    """For the JSON line: how the sale was paced, and what self-pacing did with the rate."""
    row = await pool.fetchrow(query("bench_self_pace_changes"), sale_id)
    assert row is not None
    changes = await self_pacing_changes(pool, sale_id, limit=PACE_LOG_LIMIT)
    log = [
        {
            "at_s": round((c.at - row["opens_at"]).total_seconds(), 1),
            "rate_before": c.rate_before,
            "rate_after": c.rate_after,
            "hold_p99_ms": c.hold_p99_ms,
            "finalize_lag_ms": c.finalize_lag_ms,
        }
        for c in reversed(changes)
    ]
    return {
        "self_pacing": pace is not None,
        "start_rate_per_min": rate_per_min,
        "start_pace": None if pace is None else msgspec.structs.asdict(pace),
        "self_pacing_floor_per_min": config.floor_per_min,
        "self_pacing_ceiling_per_min": config.ceiling_per_min,
        "target_hold_p99_ms": config.target_hold_p99_ms,
        "self_pace_changes": row["changes"],
        "rate_per_min_end": row["rate_per_min"],
        "self_pace_log": log,
    }


def latency_figures(rush: _Phase) -> dict[str, float | None]:
    """Hold latency of admitted families apart from the polls of families still in line.

    Only admitted families hold (the request carries their admission token), and a family
    polls its standing only until it is admitted, so the two names split the families."""

    def figure(name: str, field: str) -> float | None:
        stats = rush.stats.get(name)
        return None if stats is None else round(float(getattr(stats, field)), 1)

    return {
        "hold_admitted_p50_ms": figure("hold", "p50_ms"),
        "hold_admitted_p99_ms": figure("hold", "p99_ms"),
        "status_in_line_p50_ms": figure("status", "p50_ms"),
        "status_in_line_p99_ms": figure("status", "p99_ms"),
    }


def family_cost_in_holds(
    pace: StartPace | None, web_cpu_ms_per_family: float | None
) -> float | None:
    """What a whole family cost the web processes in the rush, in calibration holds: the check
    on `OTHER_WORK_IN_HOLDS`, which counts only the part after admission."""
    if pace is None or not pace.web_cpu_ms_per_hold or web_cpu_ms_per_family is None:
        return None
    return round(web_cpu_ms_per_family / pace.web_cpu_ms_per_hold, 1)
