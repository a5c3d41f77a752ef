"""Fault: Redis (Valkey, append-only file) SIGKILLed mid-rush and started again.

For the seconds it is down, requests that need it fail and the families' browsers try again.
Valkey replays its append-only file on restart; whatever the last second lost, the operator's
`rush reconcile` rebuilds capacities and paid counts from Postgres. A family whose hold did
not survive is told `hold_expired`; nothing is oversold and no paid order is lost.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.faults.driver import DriverReport
from tests.faults.harness import FaultRush, FaultRushOptions, report

pytestmark = pytest.mark.slow

_DOWN_S = 3.0


async def test_redis_killed_and_restarted_mid_rush_loses_nothing() -> None:
    async with FaultRush(FaultRushOptions(families=200, job_timeout_s=10, seed=22)) as rush:
        driver = rush.driver()
        families = await rush.play(driver)
        await rush.wait_for_payers(driver, 25)
        paying_at_kill = driver.paying
        rush.valkey.kill()
        await asyncio.sleep(_DOWN_S)
        rush.valkey.start()
        back_at = time.monotonic()
        reconciled = await rush.reconcile()
        dead_after_restart = rush.dead_workers()
        # A family paying on the simulated provider while Valkey was down had its payment
        # taken and its webhook's queueing refused (the simulator queues in Rush's Redis); a
        # real provider posts again from its side, as the provider's retries do here.
        retries = asyncio.create_task(_provider_retries(rush, families))
        driven = await families
        redelivered = await retries
        settled, audit, mismatches, _ = await rush.aftermath()
        report(
            "Redis SIGKILLed and restarted (AOF)",
            f"SIGKILL of Valkey with {paying_at_kill} families checked out, down {_DOWN_S:.0f} s,"
            f" restarted on its AOF; rush reconcile: {reconciled.strip()!r};"
            f" workers dead after restart: {dead_after_restart};"
            f" webhooks posted again by the provider: {redelivered}",
            driven,
            audit,
        )

    assert driven.transport_errors + driven.server_errors > 0, "the outage was not felt"
    assert driven.last_failure_at < back_at + 10, "requests still failing after Redis came back"
    assert driven.unexpected_codes() == {}
    assert not driven.summary()["gave_up"]
    assert settled, "some paid orders were never finalized or confirmed"
    assert not driven.summary()["unsettled"]
    assert mismatches == 0
    assert audit.clean, audit.summary()


_NEW_HOLDS = 8


async def _provider_retries(rush: FaultRush, until: asyncio.Task[DriverReport]) -> int:
    """The provider posting again, every few seconds, the webhooks Rush did not record."""
    sent = 0
    while not until.done():
        await asyncio.sleep(3)
        sent += await rush.redeliver_unrecorded_webhooks()
    return sent + await rush.redeliver_unrecorded_webhooks(older_than_s=0)


async def test_redis_restarted_without_its_last_seconds_tells_families_and_loses_nothing() -> None:
    """The harsher case: Valkey comes back without its last seconds of writes, as after a
    power cut with the append-only file not yet synced. Holds, sessions, admissions and
    queued jobs of those seconds are gone; Postgres still knows every payment."""
    async with FaultRush(FaultRushOptions(families=200, job_timeout_s=10, seed=23)) as rush:
        # Families think a while between holding and checking out: those who hold after the
        # snapshot check out after the restart, on a hold Redis no longer has.
        driver = rush.driver(think_s=1.5, concurrency=50)
        families = await rush.play(driver)
        await rush.wait_for_payers(driver, 10)
        snapshot = await asyncio.to_thread(rush.valkey.snapshot_aof)
        snapshot_at = time.monotonic()
        await rush.wait_for_holds(driver, _NEW_HOLDS)
        lost_s = time.monotonic() - snapshot_at
        paying_at_kill = driver.paying
        rush.valkey.kill()
        await asyncio.to_thread(rush.valkey.restore_aof, snapshot)
        rush.valkey.start()
        back_at = time.monotonic()
        reconciled = await rush.reconcile()
        provider = asyncio.create_task(_provider_retries(rush, families))
        driven = await families
        redelivered = await provider
        settled, audit, mismatches, emails = await rush.aftermath()
        report(
            "Redis restarted without its last seconds",
            f"Valkey SIGKILLed with {paying_at_kill} families checked out and restarted on its"
            f" append-only file of {lost_s:.1f} s earlier (>= {_NEW_HOLDS} holds lost);"
            f" rush reconcile: {len(reconciled.splitlines())} line(s);"
            f" webhooks the provider sent again: {redelivered}",
            driven,
            audit,
        )

    assert driven.last_failure_at < back_at + 10, "requests still failing after Redis came back"
    assert driven.codes()["hold_expired"] > 0, "no family was told its hold was lost"
    assert driven.unexpected_codes() == {}
    assert not driven.summary()["gave_up"]
    assert settled, "some paid orders were never finalized or confirmed"
    assert not driven.summary()["unsettled"]
    assert mismatches == 0
    assert emails
    assert set(emails.values()) == {1}, emails
    assert audit.clean, audit.summary()
