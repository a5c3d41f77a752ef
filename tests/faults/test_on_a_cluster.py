"""A whole rush with the engine on a 3-primary Valkey Cluster and PostgreSQL behind PgBouncer.

As a town scales out: two web processes and two workers, `REDIS_URL=redis+cluster://…` for
holds and the waiting room, `RUSH_JOBS_REDIS_URL` for arq, sessions and pub/sub, and
`RUSH_DATABASE_POOLER=pgbouncer`. Families queue, hold, check out and pay; then the
operator's own commands, `rush reconcile` and `rush audit`, run on the same settings and
find nothing to repair and nothing lost.
"""

from __future__ import annotations

import pytest

from rush.engine.keys import program_keys
from tests.faults.harness import FaultRush, FaultRushOptions, report

pytestmark = pytest.mark.slow


async def test_a_rush_on_a_cluster_behind_pgbouncer_loses_nothing() -> None:
    options = FaultRushOptions(
        families=150,
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
        driver = rush.driver()
        driven = await (await rush.play(driver))
        settled, audit, mismatches, emails = await rush.aftermath()
        reconciled = await rush.reconcile()
        audited = await rush.audit_command()
        report(
            "a rush on a Valkey Cluster behind PgBouncer",
            f"engine on {len(shards)} of 3 shards, 2 web processes, 2 workers, PgBouncer"
            " in transaction pooling",
            driven,
            audit,
        )

    assert len(shards) >= 2, "the sale's programs all landed on one shard: nothing was spread"
    assert driven.summary()["paid"] > 0
    assert driven.server_errors == 0, driven.codes
    assert driven.unexpected_codes() == {}
    assert settled, "some paid orders were never finalized or confirmed"
    assert mismatches == 0
    assert set(emails.values()) == {1}, emails
    assert audit.clean, audit.summary()
    assert "nothing to repair" in reconciled, reconciled
    assert audited.returncode == 0, audited.stdout + audited.stderr
