"""A locust rush with the engine on a 3-primary Valkey Cluster and PostgreSQL behind PgBouncer.

As a town scales out: two web processes and two workers, `REDIS_URL=redis+cluster://…` for
holds and the waiting room, `RUSH_JOBS_REDIS_URL` for arq, sessions and pub/sub, and
`RUSH_DATABASE_POOLER=pgbouncer`. Locust families queue, hold, check out and pay; then the
operator's own commands, `rush reconcile` and `rush audit`, run on the same settings and
find nothing to repair and nothing lost.
"""

from __future__ import annotations

import time

import pytest

from loadtests.traces import write_trace
from rush.engine.keys import program_keys
from tests.faults.harness import FaultRush, FaultRushOptions
from tests.support.locust_runs import requests_named, run_locust

pytestmark = pytest.mark.slow

_FAMILIES = 120
_SPEED = 200
"""Trace seconds per real second: the families' half hour passes in about ten seconds."""


async def _redis_connections(rush: FaultRush) -> dict[str, int]:
    """Clients connected to each server: 2 web processes, 2 workers and the test's own."""
    assert rush.cluster is not None
    found = {}
    for n, node in enumerate(rush.cluster.primaries):
        with node.client() as client:
            found[f"shard {n}"] = int(client.info("clients")["connected_clients"])
    found["jobs"] = int((await rush.jobs_redis.info("clients"))["connected_clients"])
    return found


async def test_a_rush_on_a_cluster_behind_pgbouncer_loses_nothing() -> None:
    options = FaultRushOptions(
        families=_FAMILIES,
        web_processes=2,
        workers=2,
        job_timeout_s=10,
        seed=55,
        engine_cluster=True,
        through_pgbouncer=True,
    )
    async with FaultRush(options) as rush:
        assert rush.cluster is not None
        programs = await rush.pool.fetch(
            "SELECT id FROM program WHERE sale_id = $1", rush.sale.sale_id
        )
        shards = {
            rush.cluster.primary_of(program_keys(row["id"]).capacity).port for row in programs
        }
        trace = rush.folder / "trace.jsonl"
        write_trace(rush.sale.trace, trace)
        locust = await run_locust(
            {
                **rush.env,
                "RUSH_TRACE": str(trace),
                "RUSH_REPLAY_SPEED": str(_SPEED),
                "RUSH_OPENING_AT": str(time.time()),
                "RUSH_ORDER_WAIT_S": "30",
                "RUSH_DRAIN_S": "60",
            },
            rush.settings.public_base_url,
            within_s=150,
        )
        connections = await _redis_connections(rush)
        settled, audit, mismatches, emails = await rush.aftermath()
        reconciled = await rush.reconcile()
        audited = await rush.audit_command()
        print(f"\n   redis connections after the rush: {connections}")
        print(locust["output"])
        print(
            f"== a locust rush on {len(shards)} of 3 shards, 2 web processes, 2 workers,"
            f" PgBouncer in transaction pooling\n   audit: {audit.summary()}"
        )

    assert len(shards) >= 2, "the sale's programs all landed on one shard: nothing was spread"
    assert locust["failures_total"] == 0, locust["output"]
    assert locust["user_exceptions"] == 0, locust["output"]
    assert not locust["timed_out"], locust["output"]
    assert locust["families_finished"] == _FAMILIES, locust["output"]
    assert requests_named(locust, "hold") > 0
    assert locust["outcomes"].get("order_paid", 0) > 0, locust["output"]
    assert audit.counts.orders > 0
    assert settled, "some paid orders were never finalized or confirmed"
    assert mismatches == 0
    assert set(emails.values()) == {1}, emails
    assert audit.clean, audit.summary()
    assert "nothing to repair" in reconciled, reconciled
    assert audited.returncode == 0, audited.stdout + audited.stderr
