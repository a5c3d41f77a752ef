"""Fault: the arq worker is SIGKILLed while it runs `finalize_order`, mid-rush.

arq leaves a job it started in the queue with an in-progress key that expires after the job
timeout (+10 s); the next worker then runs it again. (The test shortens the timeout to 10 s:
with `rush worker`'s 300 s, a killed worker's finalize waits five minutes.) `finalize_order`
must be idempotent at every line and the confirmation email must leave once (`send_once`),
so the killed orders end up paid with one registration per line and one email, and the
audit is clean.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import pytest
from arq.constants import in_progress_key_prefix
from arq.jobs import Job

from rush.jobs import FINALIZE_ID_PREFIX
from tests.faults.driver import DriverReport
from tests.faults.harness import FaultRush, FaultRushOptions, report

pytestmark = pytest.mark.slow

_IN_PROGRESS = f"{in_progress_key_prefix}{FINALIZE_ID_PREFIX}*"


async def _kill_worker_mid_finalize(
    rush: FaultRush, families: asyncio.Task[DriverReport]
) -> list[str]:
    """SIGKILL the worker as soon as it holds a finalize job; returns the jobs it died holding.

    A job can finish between seeing its key and the kill; then a new worker is started and
    the next finalize is tried, until one is caught mid-run.
    """
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not families.done():
        if await rush.jobs_redis.keys(_IN_PROGRESS):
            for worker in list(rush.processes.workers):
                if worker.poll() is None:
                    rush.processes.kill_worker(worker)
            held = [
                k.decode().removeprefix(in_progress_key_prefix)
                for k in await rush.jobs_redis.keys(_IN_PROGRESS)
            ]
            if held:
                return held
            rush.processes.start_worker()
        await asyncio.sleep(0.002)
    return []


async def test_a_worker_killed_during_finalize_leaves_one_registration_set_and_one_email() -> None:
    async with FaultRush(FaultRushOptions(families=150, job_timeout_s=10, seed=11)) as rush:
        families = await rush.play(rush.driver())
        interrupted = await _kill_worker_mid_finalize(rush, families)
        killed_at = time.monotonic()
        killed_wall = dt.datetime.now(dt.UTC)
        rush.processes.start_worker()
        driven = await families
        settled, audit, mismatches, emails = await rush.aftermath()
        retried = [await Job(job_id, rush.jobs_redis).result_info() for job_id in interrupted]
        report(
            "worker SIGKILLed during finalize_order",
            f"SIGKILL of the only worker holding {len(interrupted)} finalize job(s), new worker"
            f" started; retried after {time.monotonic() - killed_at:.0f} s at most",
            driven,
            audit,
        )

    assert interrupted, "no finalize job was caught running"
    assert settled, "some paid orders were never finalized or confirmed"
    for job_id, result in zip(interrupted, retried, strict=True):
        assert result is not None, f"{job_id} never ran again"
        assert result.success, (job_id, result)
        # Still claimed after the kill, so the dead worker never finished it: this run is the
        # retry (its job_try stays 1 when the worker died before arq counted the try).
        assert result.start_time > killed_wall, (job_id, result)
        assert result.result in ("paid", "conflict_refunded")
    assert mismatches == 0
    assert emails
    assert set(emails.values()) == {1}, emails
    assert driven.server_errors == 0
    assert not driven.summary()["unsettled"]
    assert audit.clean, audit.summary()
