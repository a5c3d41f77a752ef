"""Fault: PostgreSQL unreachable for several seconds mid-rush (stopped, then started again).

Every open connection drops and new ones are refused. Web requests fail meanwhile (families
try again); the provider's webhooks answered 5xx are delivered again by the worker, and
finalize and email jobs that met the outage are retried. Once Postgres is back, every payment
is recorded and finalized: the audit finds nothing lost.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.faults.harness import FaultRush, FaultRushOptions, report

pytestmark = pytest.mark.slow

_DOWN_S = 5.0


async def test_postgres_unreachable_for_seconds_loses_no_payment() -> None:
    async with FaultRush(FaultRushOptions(families=200, job_timeout_s=10, seed=33)) as rush:
        driver = rush.driver()
        families = await rush.play(driver)
        await rush.wait_for_payers(driver, 25)
        paying_at_stop = driver.paying
        stopped_at = time.monotonic()
        await asyncio.to_thread(rush.postgres.stop, "fast")
        await asyncio.sleep(_DOWN_S)
        await asyncio.to_thread(rush.postgres.start)
        down_s = time.monotonic() - stopped_at
        back_at = time.monotonic()
        driven = await families
        settled, audit, mismatches, emails = await rush.aftermath()
        report(
            "Postgres unreachable",
            f"pg_ctl stop -m fast with {paying_at_stop} families checked out, unreachable"
            f" {down_s:.1f} s, then started again; workers dead: {rush.dead_workers()}",
            driven,
            audit,
        )

    assert driven.server_errors + driven.transport_errors > 0, "the outage was not felt"
    assert driven.last_failure_at < back_at + 10, "requests still failing after Postgres came back"
    assert driven.unexpected_codes() == {}
    assert not driven.summary()["gave_up"]
    assert settled, "some paid orders were never finalized or confirmed"
    assert not driven.summary()["unsettled"]
    assert mismatches == 0
    assert emails
    assert set(emails.values()) == {1}, emails
    assert audit.lost_payments == 0
    assert audit.clean, audit.summary()
