"""Holds/s of the Redis hold engine against the classic Postgres row-lock hold, same run.

Both systems face the same clients, capacity and duration, so the ratio compares designs rather
than machines. Oversell is audited by the clients themselves and by a final sell-out, never
assumed from the engine's own invariant.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import asyncpg

from rush.db import apply_migrations, connect, create_pool, query
from rush.dev.bench.workload import (
    SELLOUT_CAPACITY,
    HoldingAudit,
    HoldStore,
    PhaseFigures,
    SelloutAudit,
    run_phase,
    sell_out,
)
from rush.engine.holds import ConfirmOutcome, HoldEngine
from rush.engine.reconcile import reconcile_program
from rush.errors import PlacesShort
from rush.redis_clients import open_engine_redis

__all__ = ["run_engine_bench"]

HOLD_TTL_MS = 60_000
HOLD_MAX_LIFETIME_MS = 120_000
MANY_GROUPS = 100
PG_POOL_LIMIT = 90
"""Postgres allows 100 connections by default; the rest stay free for setup and superusers."""
WARMUP_S = 0.3

_PG_HOT_GROUP = 1
_PG_SELLOUT_GROUP = 2

# Rush: the Redis hold engine.


@dataclass(frozen=True, slots=True)
class RushPrograms:
    """Programs set up in Postgres and reconciled into Redis: (program id, group ids)."""

    hot: tuple[int, list[int]]
    many: tuple[int, list[int]]
    sellout: tuple[int, list[int]]


async def _create_program(
    conn: asyncpg.Connection, name: str, groups: int, capacity: int
) -> tuple[int, list[int]]:
    async with conn.transaction():
        program_id: int = await conn.fetchval(query("rush_program"), name)
        rows = await conn.fetch(query("rush_groups"), program_id, groups, capacity)
    return program_id, sorted(row["id"] for row in rows)


async def _prepare_rush(
    database_url: str, pooler: str, engine: HoldEngine, hot_capacity: int
) -> RushPrograms:
    """Real catalogue rows in Postgres, then reconcile, exactly as a sale morning starts."""
    conn = await connect(database_url, pooler=pooler)
    try:
        await apply_migrations(conn)
        programs = RushPrograms(
            hot=await _create_program(conn, "Bench hot group", 1, hot_capacity),
            many=await _create_program(conn, "Bench many groups", MANY_GROUPS, hot_capacity),
            sellout=await _create_program(conn, "Bench sell-out", 1, SELLOUT_CAPACITY),
        )
    finally:
        await conn.close()
    pool = await create_pool(database_url, min_size=1, max_size=1, pooler=pooler)
    try:
        for program_id, _ in (programs.hot, programs.many, programs.sellout):
            await reconcile_program(pool, engine, program_id)
    finally:
        await pool.close()
    return programs


def _rush_store(engine: HoldEngine, program_id: int) -> HoldStore:
    """The workload's calls on one program of the hold engine; a refusal is PlacesShort."""

    async def hold(group: int, hold_id: str) -> bool:
        try:
            await engine.hold(program_id, hold_id, {group: 1}, HOLD_TTL_MS, HOLD_MAX_LIFETIME_MS)
        except PlacesShort:
            return False
        return True

    async def release(group: int, hold_id: str) -> None:
        await engine.release(program_id, hold_id)

    async def hold_and_confirm(group: int, hold_id: str) -> bool:
        if not await hold(group, hold_id):
            return False
        return await engine.confirm(program_id, hold_id) is ConfirmOutcome.CONFIRMED

    async def paid(group: int) -> int:
        return (await engine.places(program_id, [group])).groups[group].paid

    return HoldStore(hold, release, hold_and_confirm, paid)


# The baseline: one transaction per hold, serialized on the group row's lock.


async def _prepare_baseline(pool: asyncpg.Pool, hot_capacity: int) -> None:
    async with pool.acquire() as conn:
        await conn.execute(query("pg_baseline_schema"))
        await conn.execute(query("pg_add_group"), _PG_HOT_GROUP, hot_capacity)
        await conn.execute(query("pg_add_group"), _PG_SELLOUT_GROUP, SELLOUT_CAPACITY)


def _pg_store(pool: asyncpg.Pool) -> HoldStore:
    """The same calls done the classic way: lock the group row, check, write, commit."""

    async def hold(group: int, hold_id: str) -> bool:
        async with pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(query("pg_lock_group"), group)
            if row is None or row["capacity"] - row["paid"] - row["held"] < 1:
                return False
            await conn.execute(query("pg_insert_hold"), hold_id, group, 1, HOLD_TTL_MS)
            await conn.execute(query("pg_add_held"), group, 1)
        return True

    async def release(group: int, hold_id: str) -> None:
        async with pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(query("pg_delete_hold"), hold_id)
            if row is not None:
                await conn.execute(query("pg_add_held"), row["group_id"], -row["places"])

    async def hold_and_confirm(group: int, hold_id: str) -> bool:
        async with pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(query("pg_lock_group"), group)
            if row is None or row["capacity"] - row["paid"] - row["held"] < 1:
                return False
            await conn.execute(query("pg_add_paid"), group, 1)
        return True

    async def paid(group: int) -> int:
        value: int = await pool.fetchval(query("pg_group_paid"), group)
        return value

    return HoldStore(hold, release, hold_and_confirm, paid)


# The run and its report.


@dataclass(frozen=True, slots=True)
class BenchSetup:
    """What both systems face alike: duration per phase and number of clients."""

    seconds: float
    concurrency: int

    @property
    def hot_capacity(self) -> int:
        """Half the clients can hold at once, so the others fight for the last places."""
        return max(self.concurrency // 2, 1)

    @property
    def pg_pool_size(self) -> int:
        return min(self.concurrency, PG_POOL_LIMIT)


@dataclass(frozen=True, slots=True)
class Measured:
    """One measured phase and the oversell audit its clients kept."""

    figures: PhaseFigures
    audit: HoldingAudit


@dataclass(frozen=True, slots=True)
class SystemResults:
    """Everything measured on one system: its phases, then its sell-out."""

    phases: list[Measured]
    sellout: SelloutAudit


async def _measure(
    store: HoldStore, name: str, capacities: Mapping[int, int], setup: BenchSetup
) -> Measured:
    """A short warm-up opens connections and loads scripts, then the measured phase runs."""
    audit = HoldingAudit(capacities)
    groups = list(capacities)
    await run_phase(store, groups, WARMUP_S, setup.concurrency, audit, f"{name}-warm")
    tally = await run_phase(store, groups, setup.seconds, setup.concurrency, audit, name)
    return Measured(PhaseFigures.of(name, tally), audit)


async def _bench_rush(
    database_url: str, pooler: str, redis_url: str, setup: BenchSetup
) -> SystemResults:
    redis = open_engine_redis(redis_url, max_connections=setup.concurrency + 16)
    try:
        engine = HoldEngine(redis)
        programs = await _prepare_rush(database_url, pooler, engine, setup.hot_capacity)
        hot_program, (hot_group,) = programs.hot
        many_program, many_groups = programs.many
        sellout_program, (sellout_group,) = programs.sellout
        hot = await _measure(
            _rush_store(engine, hot_program),
            "redis hot group",
            {hot_group: setup.hot_capacity},
            setup,
        )
        many = await _measure(
            _rush_store(engine, many_program),
            f"redis {len(many_groups)} groups",
            dict.fromkeys(many_groups, setup.hot_capacity),
            setup,
        )
        sellout_store = _rush_store(engine, sellout_program)
        sellout = await sell_out(sellout_store, sellout_group, setup.concurrency, "sellout")
    finally:
        await redis.aclose()
    return SystemResults([hot, many], sellout)


async def _bench_baseline(database_url: str, pooler: str, setup: BenchSetup) -> SystemResults:
    size = setup.pg_pool_size
    pool = await create_pool(database_url, min_size=size, max_size=size, pooler=pooler)
    try:
        await _prepare_baseline(pool, setup.hot_capacity)
        store = _pg_store(pool)
        capacities = {_PG_HOT_GROUP: setup.hot_capacity}
        hot = await _measure(store, "postgres hot group", capacities, setup)
        sellout = await sell_out(store, _PG_SELLOUT_GROUP, setup.concurrency, "sellout")
    finally:
        await pool.close()
    return SystemResults([hot], sellout)


def _ratio(rush: PhaseFigures, baseline: PhaseFigures) -> float | None:
    return round(rush.holds_per_s / baseline.holds_per_s, 2) if baseline.holds_per_s else None


def _report(rush: SystemResults, baseline: SystemResults, setup: BenchSetup) -> dict[str, object]:
    hot, many = (m.figures for m in rush.phases)
    pg = baseline.phases[0].figures
    audits = [m.audit for m in (*rush.phases, *baseline.phases)]
    sellouts = {"redis": rush.sellout, "postgres": baseline.sellout}
    return {
        "holds_per_s": hot.holds_per_s,
        "attempts_per_s": hot.attempts_per_s,
        "refused": hot.refused,
        "p50_ms": hot.p50_ms,
        "p99_ms": hot.p99_ms,
        "holds_per_s_many_groups": many.holds_per_s,
        "many_groups_p50_ms": many.p50_ms,
        "many_groups_p99_ms": many.p99_ms,
        "baseline_pg_holds_per_s": pg.holds_per_s,
        "baseline_attempts_per_s": pg.attempts_per_s,
        "baseline_refused": pg.refused,
        "baseline_p50_ms": pg.p50_ms,
        "baseline_p99_ms": pg.p99_ms,
        "ratio": _ratio(hot, pg),
        "oversold": sum(a.oversold for a in audits) + sum(s.oversold for s in sellouts.values()),
        "holds_checked": sum(a.checked for a in audits),
        "sellout_exact": all(s.exact for s in sellouts.values()),
        "sellout": {
            name: {"capacity": s.capacity, "confirmed": s.confirmed_seen, "paid": s.paid_in_store}
            for name, s in sellouts.items()
        },
        "hot_capacity": setup.hot_capacity,
        "many_groups": MANY_GROUPS,
        "pg_pool_size": setup.pg_pool_size,
        "concurrency": setup.concurrency,
        "seconds": setup.seconds,
    }


def _print_table(rush: SystemResults, baseline: SystemResults, setup: BenchSetup) -> None:
    print(
        f"\nRush hold engine vs the classic Postgres hold: {setup.concurrency} clients, "
        f"{setup.seconds:g} s per phase, hot group capacity {setup.hot_capacity}"
    )
    if setup.pg_pool_size < setup.concurrency:
        print(
            f"note: the Postgres pool is capped at {setup.pg_pool_size} connections (default "
            f"max_connections is 100); the other clients wait for one, inside their latency"
        )
    print(f"{'':<22}{'holds/s':>11}{'attempts/s':>12}{'refused':>10}{'p50 ms':>9}{'p99 ms':>9}")
    for f in (m.figures for m in (*rush.phases, *baseline.phases)):
        print(
            f"{f.name:<22}{f.holds_per_s:>11,.0f}{f.attempts_per_s:>12,.0f}"
            f"{f.refused:>10,}{f.p50_ms:>9.2f}{f.p99_ms:>9.2f}"
        )
    ratio = _ratio(rush.phases[0].figures, baseline.phases[0].figures)
    print(f"ratio, redis hot group / postgres hot group: {ratio}")
    _print_audit(rush, baseline)


def _print_audit(rush: SystemResults, baseline: SystemResults) -> None:
    audits = [m.audit for m in (*rush.phases, *baseline.phases)]
    print(
        f"live audit: {sum(a.checked for a in audits):,} holds checked, "
        f"{sum(a.oversold for a in audits)} oversold"
    )
    for name, sellout in (("redis", rush.sellout), ("postgres", baseline.sellout)):
        print(
            f"sell-out of {sellout.capacity} ({name}): {sellout.confirmed_seen} confirms seen, "
            f"{sellout.paid_in_store} paid in the store, {sellout.oversold} oversold"
        )


async def run_engine_bench(
    database_url: str,
    redis_url: str,
    seconds: float,
    concurrency: int,
    *,
    pooler: str = "none",
) -> dict[str, object]:
    """Measure both systems one after the other, print a table, then the JSON line last."""
    setup = BenchSetup(seconds, concurrency)
    rush = await _bench_rush(database_url, pooler, redis_url, setup)
    baseline = await _bench_baseline(database_url, pooler, setup)
    report = _report(rush, baseline, setup)
    _print_table(rush, baseline, setup)
    print(json.dumps(report), flush=True)
    return report
