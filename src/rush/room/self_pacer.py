"""Self-pacing of sales: the switch and targets staff set, and the periodic step a worker runs.

Each step measures a sale's hold p99 (Redis, last minute) and finalize lag (Postgres), asks
`rush.room.pacing_rule.next_rate` for the rate, sets it like a person would (`set_pace`) and logs
the change with the measured values under the self-pacing account, so the staff log tells
who moved the rate, and why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import asyncpg
import msgspec

from rush.db import query
from rush.engine.hold_timing import SLOT_MS, HoldTimings
from rush.errors import InvalidPacingSettings, UnknownSale
from rush.ops.staff_log import log_staff_action
from rush.redis_clients import server_time_ms
from rush.room.pacing_rule import PacingSignals, PacingTargets, next_rate
from rush.room.sales import set_pace
from rush.services import Services

__all__ = [
    "COOLDOWN_S",
    "SELF_PACE_ACTION",
    "WINDOW_SLOTS",
    "PaceChange",
    "PaceChangeRecord",
    "SelfPacingConfig",
    "configure_self_pacing",
    "measure",
    "pace_open_sales",
    "pace_sale",
    "self_pacing_changes",
    "self_pacing_config",
]

SELF_PACE_ACTION = "self_pace"
WINDOW_SLOTS = 3
"""Hold p99 over the last 30 s (three 10 s slots): long enough for a stable p99, short
enough that once the cooldown after a drop has passed it only holds the new rate's holds."""
COOLDOWN_S = WINDOW_SLOTS * SLOT_MS // 1000
_LARGEST = 1_000_000


class SelfPacingConfig(msgspec.Struct, frozen=True):
    enabled: bool
    target_hold_p99_ms: int
    target_finalize_lag_ms: int
    floor_per_min: int
    ceiling_per_min: int

    @property
    def targets(self) -> PacingTargets:
        return PacingTargets(
            self.target_hold_p99_ms,
            self.target_finalize_lag_ms,
            self.floor_per_min,
            self.ceiling_per_min,
        )


@dataclass(frozen=True, slots=True)
class PaceChange:
    sale_id: int
    rate_before: int
    rate_after: int
    signals: PacingSignals


class PaceChangeRecord(msgspec.Struct, frozen=True):
    at: dt.datetime
    rate_before: int
    rate_after: int
    hold_p99_ms: int | None
    finalize_lag_ms: int | None


def _config_of(row: asyncpg.Record) -> SelfPacingConfig:
    return SelfPacingConfig(
        enabled=row["self_pacing"],
        target_hold_p99_ms=row["target_hold_p99_ms"],
        target_finalize_lag_ms=row["target_finalize_lag_ms"],
        floor_per_min=row["self_pacing_floor_per_min"],
        ceiling_per_min=row["self_pacing_ceiling_per_min"],
    )


async def self_pacing_config(pool: asyncpg.Pool, sale_id: int) -> SelfPacingConfig:
    row = await pool.fetchrow(query("self_pacing_settings"), sale_id)
    if row is None:
        raise UnknownSale(sale_id)
    return _config_of(row)


async def configure_self_pacing(pool: asyncpg.Pool, sale_id: int, config: SelfPacingConfig) -> None:
    """Switch self-pacing on or off and set its targets; refused when out of range."""
    numbers = (config.target_hold_p99_ms, config.target_finalize_lag_ms, config.floor_per_min)
    if (
        any(n < 1 or n > _LARGEST for n in numbers)
        or not config.floor_per_min <= config.ceiling_per_min <= _LARGEST
    ):
        raise InvalidPacingSettings("targets, floor or ceiling out of range")
    updated = await pool.fetchval(
        query("self_pacing_configure"),
        sale_id,
        config.enabled,
        config.target_hold_p99_ms,
        config.target_finalize_lag_ms,
        config.floor_per_min,
        config.ceiling_per_min,
    )
    if updated is None:
        raise UnknownSale(sale_id)


async def measure(
    services: Services, sale_id: int, *, recently_lowered: bool = False
) -> PacingSignals:
    """Hold p99 of the last 30 s, and finalize lag while payments are coming in."""
    now_ms = await server_time_ms(services.redis)
    timing = await HoldTimings(services.redis).recent(sale_id, now_ms, WINDOW_SLOTS)
    flow = await services.pool.fetchrow(query("dashboard_flow"), sale_id)
    assert flow is not None
    # With no payment in the last minute and none waiting, a lag of 0 says nothing.
    paying = flow["awaiting_finalize"] > 0 or flow["payments_last_minute"] > 0
    return PacingSignals(
        hold_p99_ms=timing.p99_ms,
        finalize_lag_ms=int(flow["finalize_lag_ms"]) if paying else None,
        recently_lowered=recently_lowered,
    )


async def pace_sale(services: Services, row: asyncpg.Record, actor_id: int) -> PaceChange | None:
    """One step for one sale; the change made, if any, is logged."""
    config = _config_of(row)
    sale_id = row["id"]
    before = row["admission_rate_per_min"]
    signals = await measure(services, sale_id, recently_lowered=row["recently_lowered"])
    after = next_rate(before, signals, config.targets)
    if after == before:
        return None
    await set_pace(services.pool, services.room, sale_id, rate_per_min=after)
    await log_staff_action(
        services.pool,
        actor_id,
        SELF_PACE_ACTION,
        sale_id,
        rate_before=before,
        rate_after=after,
        hold_p99_ms=signals.hold_p99_ms,
        finalize_lag_ms=signals.finalize_lag_ms,
        target_hold_p99_ms=config.target_hold_p99_ms,
        target_finalize_lag_ms=config.target_finalize_lag_ms,
    )
    return PaceChange(sale_id, before, after, signals)


async def pace_open_sales(services: Services) -> list[PaceChange]:
    """One step for every open sale with self-pacing on."""
    rows = await services.pool.fetch(query("self_pacing_open_sales"), COOLDOWN_S)
    if not rows:
        return []
    actor_id: int = await services.pool.fetchval(query("self_pacing_actor"))
    changes = [await pace_sale(services, row, actor_id) for row in rows]
    return [change for change in changes if change is not None]


async def self_pacing_changes(
    pool: asyncpg.Pool, sale_id: int, limit: int = 10
) -> list[PaceChangeRecord]:
    rows = await pool.fetch(query("self_pacing_changes"), sale_id, limit)
    records = []
    for row in rows:
        details: dict[str, Any] = msgspec.json.decode(row["details"])
        records.append(
            PaceChangeRecord(
                at=row["at"],
                rate_before=details["rate_before"],
                rate_after=details["rate_after"],
                hold_p99_ms=details.get("hold_p99_ms"),
                finalize_lag_ms=details.get("finalize_lag_ms"),
            )
        )
    return records
