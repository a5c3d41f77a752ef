"""`rush bench rush`: an opening morning replayed on the real processes, audited, and compared
with the trivial endpoint of the same app in the same run.

On fresh embedded servers: migrate, seed the demo season, generate a trace of N families
against the demo sale, seed them, start K web processes (uvicorn workers sharing one port) and
W arq workers, measure a hold's web CPU in a short calibration and let the sale pace itself from
the rate it gives (`loadtests.bench_pacing`; or, with `--fixed-pace`, pace it so the whole line
is admitted in about `admit_seconds`), replay the trace with locust, open the sale on time, wait
for locust, then for finalize to drain, then audit. Then, on the same servers and processes,
closed-loop ceiling phases of equal length and equal concurrency (the rush's peak requests in
flight): the trivial `/api/v1/ping`, the waiting-room poll and the hold. Prints figures and a
last JSON line; asserts no time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
from argon2 import PasswordHasher
from redis.asyncio import Redis

from loadtests.bench_costs import cost_figures, opening_to_last_admission_s
from loadtests.bench_cpu import CpuMeter, parent_pid
from loadtests.bench_generator_lag import generator_lag_figures
from loadtests.bench_holders import prepare_holders
from loadtests.bench_pacing import (
    CALIBRATION_USERS,
    StartPace,
    family_cost_in_holds,
    fixed_rate_per_min,
    keep_pace_fixed,
    latency_figures,
    pace_figures,
    pace_sale_itself,
    prepare_calibration,
    start_pace,
)
from loadtests.bench_processes import bin_path, free_port, running, stop
from loadtests.bench_records import (
    RECORD_ENV,
    lag_path,
    read_lags,
    read_records,
)
from loadtests.bench_report import print_report
from loadtests.bench_server_times import RUSH_ROUTES, merged_histograms, server_time_figures
from loadtests.bench_sessions import CeilingPlan, sign_in_all
from loadtests.bench_sockets import sampling_sockets
from loadtests.bench_stats import endpoint_stats, peak_in_flight, span, steady_window
from loadtests.bench_summary import PhaseResult, rush_summary
from loadtests.bench_web import WEB_PURCHASE_ROLE, WebPools, running_web_pools
from loadtests.queries import query
from loadtests.seed_families import load_catalogue, seed_trace_families
from loadtests.traces import Trace, generate_trace, write_trace
from rush.config import Settings, load_settings, settings_environ
from rush.crypto import FieldCipher
from rush.db import create_pool
from rush.dev.bootstrap import prepare
from rush.dev.mail_catcher import start_mail_catcher
from rush.dev.servers import ServerUrls, running_servers
from rush.engine.holds import HoldEngine
from rush.ops.audit import run_audit
from rush.redis_clients import open_plain_redis
from rush.room.sales import copy_admissions_to_postgres, open_sale, prepare_room
from rush.room.self_pacer import SelfPacingConfig, self_pacing_config
from rush.room.waiting_room import WaitingRoom

__all__ = ["RushBenchOptions", "run_rush_bench"]

HERE = Path(__file__).parent
MIN_CEILING_USERS = 8
MAX_CEILING_USERS = 256
CEILING_SESSIONS = 32
"""Families signed in for the status phase; its users share them round-robin. The hold phase
has a family per user, each with its own cart (`loadtests.bench_holders`): users holding one
family's cart would queue on its row lock."""
CEILING_PHASES = {"ping": "PingUser", "status": "StatusUser", "hold": "HoldUser"}
CEILING_ENV = "RUSH_CEILING"
_STARTUP_LEAD_S = 5.0
"""Real seconds between locust starting and the first family arriving."""


@dataclass(frozen=True, slots=True)
class RushBenchOptions:
    families: int = 2000
    web_processes: int = 2
    workers: int = 1
    speed: float = 30.0
    """Trace seconds played per real second (the trace spans about an hour and a half)."""
    seed: int = 1
    admit_seconds: float = 30.0
    """The fixed pace admits every family of the trace within about this many seconds; with
    self-pacing, that pace is the ceiling."""
    self_pacing: bool = True
    """The sale paces itself from a rate derived from the measured cost of a hold, as a new sale
    does; False for the fixed pace."""
    ceiling_seconds: float = 10.0
    ceiling_users: int | None = None
    """Closed-loop users of each ceiling phase; by default the rush's peak requests in flight."""
    timeout_s: float = 900.0
    drain_timeout_s: float = 120.0
    children_per_family: float = 1.6
    popular_share: float = 0.7
    abandon_share: float = 0.1
    late_share: float = 0.1
    profile_dir: Path | None = None
    """When set, py-spy samples one web process through the rush into this folder."""
    locustfile: Path = HERE / "locustfile.py"
    server: str = "uvicorn"
    """The ASGI server of the web processes: `uvicorn` or `granian`."""
    purchase_processes: int = 0
    """Web processes of a second pool, on a port of its own, for the purchase path only
    (`web.purchase_path`): locust sends those requests there as a path-routing balancer
    would. 0: one pool serves everything."""
    front_nice: int = 0
    """`nice` of the front pool (the purchase pool keeps 0): a share of the shared cores
    reserved for the admitted families, as their own machines would on a deployment."""
    light_hashes: bool = True
    """Give the trace's families a cheap argon2 hash: the replay compresses the half hour of
    sign-ins before opening `speed` times, which would otherwise measure argon2, not the rush."""


def _child_env(settings: Settings, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, **settings_environ(settings), "RUSH_LOG_LEVEL": "WARNING"}
    env.update(extra or {})
    return env


async def _wait_for(process: Any, meter: CpuMeter, timeout_s: float) -> dict[str, float]:
    """Until `process` exits (stopped at the timeout); the last CPU reading while it ran."""
    deadline = time.monotonic() + timeout_s
    last = meter.read()
    while process.poll() is None:
        if time.monotonic() > deadline:
            await asyncio.to_thread(stop, process)
            break
        last = meter.read()
        await asyncio.sleep(1.0)
    return last


async def _drain_finalize(pool: asyncpg.Pool, sale_id: int, timeout_s: float) -> bool:
    """Until every payment the provider took is settled by finalize; False at the timeout.

    (arq's queue never empties: the crons schedule their next run in it.)"""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if await pool.fetchval(query("bench_unfinalized_orders"), sale_id) == 0:
            return True
        await asyncio.sleep(0.5)
    return False


class _Bench:
    """One run: the servers, processes and figures of a rush benchmark."""

    def __init__(self, options: RushBenchOptions, work: Path, urls: ServerUrls) -> None:
        self.options = options
        self.work = work
        self.urls = urls
        self.meter = CpuMeter()
        self.holders = 0
        self.web: WebPools | None = None
        self.purchase_pool_times: dict[str, dict[str, float | None]] | None = None
        """The purchase pool's own share of `server_times`."""
        self.pacing: SelfPacingConfig | None = None

    async def run(self, settings: Settings) -> dict[str, Any]:
        started = time.monotonic()
        options = self.options
        pool = await create_pool(
            self.urls.database_url, min_size=1, max_size=4, pooler=settings.database_pooler
        )
        redis = open_plain_redis(self.urls.redis_url, max_connections=8)
        try:
            sale_id, trace = await self._prepare_sale(pool, settings)
            opening_at_s = _STARTUP_LEAD_S - min(
                (p.arrival_s for p in trace.families), default=0.0
            ) / max(options.speed, 1e-6)
            env = _child_env(settings)
            self.meter.watch("postgres", parent_pid(await pool.fetchval("SELECT pg_backend_pid()")))
            self.meter.watch("valkey", int((await redis.info("server"))["process_id"]))
            with self._servers(settings, env):
                rate = fixed_rate_per_min(options.families, options.admit_seconds)
                pace = (
                    await self._calibrate(pool, redis, settings, env, sale_id, trace, rate)
                    if options.self_pacing
                    else None
                )
                rush = await self._rush(
                    pool,
                    WaitingRoom(redis),
                    settings,
                    env,
                    sale_id,
                    opening_at_s,
                    pace if pace else rate,
                )
                assert self.pacing is not None
                paced = await pace_figures(
                    pool, sale_id, pace.rate_per_min if pace else rate, pace, self.pacing
                )
                drained = await _drain_finalize(pool, sale_id, options.drain_timeout_s)
                await copy_admissions_to_postgres(pool, WaitingRoom(redis), sale_id)
                last_admission_s = await opening_to_last_admission_s(pool, sale_id)
                audit = await run_audit(pool, redis, settings, sale_id)
                lags = await pool.fetchrow(query("bench_finalize_lags"), sale_id)
                outcome = await pool.fetchrow(query("bench_sale_outcome"), sale_id)
                users = options.ceiling_users or min(
                    max(peak_in_flight(rush.records), MIN_CEILING_USERS), MAX_CEILING_USERS
                )
                plan = await self._ceiling_plan(pool, redis, settings, sale_id, trace, users)
                ceilings = {
                    name: await self._ceiling(env, plan, user_class, name, users)
                    for name, user_class in CEILING_PHASES.items()
                    if name != "hold" or plan.holders
                }
        finally:
            await redis.aclose()
            await pool.close()
        summary = rush_summary(
            {
                "families": options.families,
                "web_processes": options.web_processes,
                "purchase_processes": options.purchase_processes,
                "front_nice": self.web.front_nice if self.web else None,
                "workers": options.workers,
                "speed": options.speed,
                "seed": options.seed,
                "ceiling_users": users,
                "ceiling_holders": self.holders,
            },
            rush,
            ceilings,
            audit,
            dict(lags or {}),
            self.purchase_pool_times,
            drained,
            time.monotonic() - started,
        )
        summary["opening_to_last_admission_s"] = last_admission_s
        summary.update(latency_figures(rush))
        summary.update(generator_lag_figures(rush.generator_lags, rush.records))
        summary.update(rush.sockets)
        summary.update(paced)
        summary["cost"] = cost_figures(options.families, rush, ceilings)
        summary["family_cost_in_holds"] = family_cost_in_holds(
            pace, summary["cost"]["web_cpu_ms_per_family"]
        )
        print_report(
            options=options,
            rush=rush,
            ceilings=ceilings,
            outcome=dict(outcome or {}),
            lags=dict(lags or {}),
            audit=audit,
            summary=summary,
        )
        print(json.dumps(summary), flush=True)
        return summary

    async def _prepare_sale(self, pool: asyncpg.Pool, settings: Settings) -> tuple[int, Trace]:
        options = self.options
        sale_id: int = await pool.fetchval(query("bench_demo_sale"))
        catalogue = await load_catalogue(pool, sale_id)
        trace = generate_trace(
            catalogue,
            options.families,
            options.children_per_family,
            options.popular_share,
            options.abandon_share,
            options.late_share,
            options.seed,
        )
        write_trace(trace, self.work / "trace.jsonl")
        await seed_trace_families(pool, trace, FieldCipher(settings.encryption_key_list))
        if options.light_hashes:
            await _lighten_hashes(pool, trace)
        return sale_id, trace

    async def _calibrate(
        self,
        pool: asyncpg.Pool,
        redis: Redis,
        settings: Settings,
        env: Mapping[str, str],
        sale_id: int,
        trace: Trace,
        ceiling_per_min: int,
    ) -> StartPace:
        """A hold phase on a sale of its own before the rush: the start rate it measures."""
        users = min(self.options.ceiling_users or CALIBRATION_USERS, MAX_CEILING_USERS)
        plan = await prepare_calibration(
            pool, redis, settings.public_base_url, sale_id, trace, users
        )
        phase = await self._ceiling(env, plan, "HoldUser", "hold", users, label="calibration")
        floor = (await self_pacing_config(pool, sale_id)).floor_per_min
        return start_pace(phase, trace, self.options.web_processes, ceiling_per_min, floor)

    @contextlib.contextmanager
    def _servers(self, settings: Settings, env: Mapping[str, str]) -> Iterator[None]:
        """The web pools and W workers, healthy."""
        options = self.options
        with contextlib.ExitStack() as stack:
            self.web = stack.enter_context(
                running_web_pools(
                    settings,
                    env,
                    self.work,
                    self.meter,
                    processes=options.web_processes,
                    purchase_processes=options.purchase_processes,
                    server=options.server,
                    front_nice=options.front_nice,
                )
            )
            for n in range(options.workers):
                worker = stack.enter_context(
                    running([bin_path("rush"), "worker"], env, self.work / f"worker-{n}.log")
                )
                self.meter.watch("worker", worker.pid)
            yield

    async def _rush(
        self,
        pool: asyncpg.Pool,
        room: WaitingRoom,
        settings: Settings,
        env: Mapping[str, str],
        sale_id: int,
        opening_at_s: float,
        pace: StartPace | int,
    ) -> PhaseResult:
        """The morning, at a fixed rate or self-paced from the start `pace` gives."""
        options = self.options
        rate = pace if isinstance(pace, int) else pace.rate_per_min
        await pool.execute(
            query("bench_pace_sale"), sale_id, opening_at_s, rate, max(options.families, 1), 3600
        )
        self.pacing = await (
            keep_pace_fixed(pool, sale_id)
            if isinstance(pace, int)
            else pace_sale_itself(pool, sale_id, pace)
        )
        await prepare_room(pool, room, sale_id)
        record = self.work / "rush-records.json"
        opening_wall = time.time() + opening_at_s
        locust_env = {
            **env,
            "RUSH_TRACE": str(self.work / "trace.jsonl"),
            "RUSH_FAMILIES": str(options.families),
            "RUSH_OPENING_AT": f"{opening_wall:.3f}",
            "RUSH_REPLAY_SPEED": str(options.speed),
            # Families paying late pay up to 1,200 trace seconds after checkout.
            "RUSH_DRAIN_S": str(round(1200 / options.speed + 60)),
            RECORD_ENV: str(record),
            "RUSH_PURCHASE_BASE_URL": self.web.purchase_base_url if self.web else "",
        }
        argv = [
            bin_path("locust"),
            "--headless",
            "-f",
            f"{options.locustfile},{HERE / 'bench_recorder.py'}",
            "--host",
            settings.public_base_url,
            "--run-time",
            f"{int(options.timeout_s)}s",
            "--stop-timeout",
            "10",
            "--loglevel",
            "WARNING",
            "--only-summary",
        ]
        assert self.web is not None
        scrape = self.web.scrape
        served_before = await asyncio.to_thread(scrape)
        before = self.meter.read()
        began = time.monotonic()
        pools = {"web": self.web.front_base_url, WEB_PURCHASE_ROLE: self.web.purchase_base_url}
        with (
            running(argv, locust_env, self.work / "locust-rush.log") as locust,
            self._profiler("rush"),
        ):
            async with sampling_sockets(pools) as sockets:
                self.meter.watch("locust", locust.pid)
                await asyncio.sleep(max(opening_wall - time.time(), 0.0))
                await open_sale(pool, room, sale_id)
                after = await _wait_for(locust, self.meter, options.timeout_s + 30)
        wall = time.monotonic() - began
        served_after = await asyncio.to_thread(scrape)
        served = server_time_figures(
            merged_histograms(*served_before), merged_histograms(*served_after), RUSH_ROUTES
        )
        self.purchase_pool_times = (
            server_time_figures(served_before[1], served_after[1], RUSH_ROUTES)
            if self.web.purchase_base_url
            else None
        )
        records = read_records(record)
        stats = endpoint_stats(records, span(records) if records else None)
        return PhaseResult(
            records,
            wall,
            CpuMeter.used(before, after),
            stats,
            served,
            read_lags(lag_path(record)),
            sockets.figures(options.families),
        )

    @contextlib.contextmanager
    def _profiler(self, label: str) -> Iterator[None]:
        """py-spy on every web process through one phase, when asked for (raw folded stacks)."""
        folder = self.options.profile_dir
        if folder is None or self.web is None:
            yield
            return
        folder.mkdir(parents=True, exist_ok=True)
        argv = [
            shutil.which("py-spy") or "py-spy",
            "record",
            "--pid",
            str(self.web.front_pid),
            "--subprocesses",
            "--rate",
            "50",
            "--format",
            "raw",
            "--output",
            str(folder / f"web-{label}.txt"),
        ]
        with running(argv, os.environ, folder / f"py-spy-{label}.log"):
            yield

    async def _ceiling_plan(
        self,
        pool: asyncpg.Pool,
        redis: Redis,
        settings: Settings,
        sale_id: int,
        trace: Trace,
        users: int,
    ) -> CeilingPlan:
        """Sign in pollers and holders now, outside any measured phase."""
        room = WaitingRoom(redis)
        sessions = min(users, CEILING_SESSIONS)
        by_email = {p.email: p for p in trace.families}
        emails = await prepare_holders(pool, HoldEngine(redis), sale_id, list(by_email), users)
        await keep_pace_fixed(pool, sale_id)  # self-pacing would bring the rate back down
        await pool.execute(query("bench_admit_all"), sale_id, 1_000_000)
        await prepare_room(pool, room, sale_id)
        base = settings.public_base_url
        signed_in = await sign_in_all(base, [by_email[e] for e in emails], sale_id, join=True)
        holders = [s for s in signed_in if s.admission_token is not None]
        line_sale_id: int = await pool.fetchval(query("bench_line_sale"), sale_id)
        await open_sale(pool, room, line_sale_id)
        pollers = await sign_in_all(base, trace.families[:sessions], line_sale_id, join=True)
        plan = CeilingPlan(
            sale_id=sale_id, line_sale_id=line_sale_id, pollers=pollers, holders=holders
        )
        self.holders = len(holders)
        return plan

    async def _ceiling(
        self,
        env: Mapping[str, str],
        plan: CeilingPlan,
        user_class: str,
        measured: str,
        users: int,
        label: str | None = None,
    ) -> PhaseResult:
        """`users` closed-loop users on one endpoint; rates over the steady part only."""
        label = label or measured
        record = self.work / f"ceiling-{label}.json"
        plan_file = self.work / f"plan-{label}.json"
        plan_file.write_bytes(msgspec.json.encode(plan))
        setup_s = 2.0
        argv = [
            bin_path("locust"),
            "--headless",
            "-f",
            str(HERE / "bench_ceiling.py"),
            "--host",
            env["RUSH_PUBLIC_BASE_URL"],
            "-u",
            str(users),
            "-r",
            str(users),
            "--run-time",
            f"{int(self.options.ceiling_seconds + setup_s)}s",
            "--stop-timeout",
            "5",
            "--loglevel",
            "WARNING",
            "--only-summary",
            user_class,
        ]
        locust_env = {**env, CEILING_ENV: str(plan_file), RECORD_ENV: str(record)}
        before = self.meter.read()
        began = time.monotonic()
        with (
            running(argv, locust_env, self.work / f"locust-{label}.log") as locust,
            self._profiler(label),
        ):
            self.meter.watch("locust", locust.pid)
            after = await _wait_for(locust, self.meter, self.options.ceiling_seconds + setup_s + 60)
        records = read_records(record)
        window = steady_window(records, measured)
        stats = endpoint_stats([r for r in records if r.name == measured], window)
        return PhaseResult(records, time.monotonic() - began, CpuMeter.used(before, after), stats)


async def _lighten_hashes(pool: asyncpg.Pool, trace: Trace) -> None:
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    by_password: dict[str, list[str]] = {}
    for plan in trace.families:
        by_password.setdefault(plan.password, []).append(plan.email)
    for password, emails in by_password.items():
        await pool.execute(query("bench_light_hashes"), emails, hasher.hash(password))


def run_rush_bench(options: RushBenchOptions, runner: Any = asyncio.run) -> dict[str, Any]:
    """Run the whole benchmark on throwaway servers; returns the figures of the JSON line."""
    work = Path(tempfile.mkdtemp(prefix="rush-bench-"))
    print(f"rush bench: logs and trace in {work}", flush=True)
    with (
        running_servers("", "", None) as urls,
        start_mail_catcher(work / "mail") as catcher,
    ):
        base = load_settings()
        port = free_port()
        settings = msgspec.structs.replace(
            base,
            env="development",  # throwaway servers, the simulated provider, plain http
            database_url=urls.database_url,
            redis_url=urls.redis_url,
            host="127.0.0.1",
            port=port,
            public_base_url=f"http://127.0.0.1:{port}",
            smtp_host=catcher.host,
            smtp_port=catcher.port,
        )
        runner(prepare(urls.database_url, urls.redis_url, seed=True, demo_admin=True))
        summary: dict[str, Any] = runner(_Bench(options, work, urls).run(settings))
        return summary
