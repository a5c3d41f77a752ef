"""Fault: a primary of the engine's Valkey Cluster is SIGKILLed mid-rush, its replica promoted.

The cluster has a replica per primary. While families hold, check out and pay, the primary
serving one of the sale's programs is killed and its replica promoted at once
(`CLUSTER FAILOVER FORCE`): requests in flight fail and are answered 503 (`CLUSTERDOWN`, a
dropped connection), the families try again, and the promoted replica answers with the scripts
loaded again on NOSCRIPT. Writes the replica had not received are lost with the primary; the
places paid in Postgres are not: `rush reconcile` rebuilds the counts and the audit is clean.
"""

from __future__ import annotations

import asyncio

import pytest

from rush.engine.keys import program_keys
from tests.faults.harness import FaultRush, FaultRushOptions, report

pytestmark = pytest.mark.slow


async def test_a_cluster_primary_killed_mid_rush_loses_no_paid_place() -> None:
    options = FaultRushOptions(
        families=150,
        job_timeout_s=10,
        seed=66,
        engine_cluster=True,
        cluster_replicas=True,
    )
    async with FaultRush(options) as rush:
        assert rush.cluster is not None
        program_id = await rush.pool.fetchval(
            "SELECT min(id) FROM program WHERE sale_id = $1", rush.sale.sale_id
        )
        primary = rush.cluster.primary_of(program_keys(program_id).capacity)
        driver = rush.driver()
        families = await rush.play(driver)
        await rush.wait_for_payers(driver, 5)
        promoted = await asyncio.to_thread(rush.cluster.kill_and_promote, primary)
        driven = await families
        settled = await rush.settle(timeout_s=90)
        reconciled = await rush.reconcile()
        audit = await rush.audit()
        mismatches = await rush.registration_mismatches()
        emails = await rush.confirmations_received()
        serving = rush.cluster.primary_of(program_keys(program_id).capacity)
        report(
            "a cluster primary SIGKILLed mid-rush",
            f"SIGKILL of the primary of program {program_id}'s shard after 5 payers, its"
            " replica promoted with CLUSTER FAILOVER FORCE; then rush reconcile",
            driven,
            audit,
        )
        print(f"   reconcile: {reconciled.strip()}")

    assert serving.port == promoted.port
    assert driven.unexpected_codes() == {}
    assert not driven.summary()["gave_up"]
    assert settled, "some paid orders were never finalized or confirmed"
    assert not driven.summary()["unsettled"]
    assert mismatches == 0
    assert emails
    assert set(emails.values()) == {1}, emails
    assert audit.clean, audit.summary()
