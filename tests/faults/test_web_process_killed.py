"""Fault: a web process SIGKILLed mid-request while families hold, check out and pay.

Two uvicorn processes share the port, as two servers behind a load balancer: the requests
the killed one was serving drop, the families send them again and the other process (or
the one uvicorn starts in its place) answers. Holding, checking out and paying are safe to
repeat, so no family ends up with two orders or two charges, and the audit is clean.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.faults.harness import FaultRush, FaultRushOptions, report

pytestmark = pytest.mark.slow

_KILLS = 4
_BETWEEN_KILLS_S = 2.0


async def test_a_web_process_killed_mid_request_loses_nothing() -> None:
    options = FaultRushOptions(families=200, web_processes=2, job_timeout_s=10, seed=44)
    async with FaultRush(options) as rush:
        driver = rush.driver()
        families = await rush.play(driver)
        # Early in the rush: the sold-out answers that follow the last places end it in seconds.
        await rush.wait_for_payers(driver, 3)
        killed = []
        for _ in range(_KILLS):
            # Both up before each kill: the other one is there to take the retries.
            await asyncio.to_thread(rush.processes.wait_for_web_processes, 2)
            killed.append(rush.processes.kill_web_process())
            await asyncio.sleep(_BETWEEN_KILLS_S)
        driven = await families
        settled, audit, mismatches, emails = await rush.aftermath()
        orders_per_family = await rush.pool.fetchval(
            "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM orders"
            " WHERE sale_id = $1 GROUP BY family_id) per_family",
            rush.sale.sale_id,
        )
        report(
            "web process SIGKILLed mid-request",
            f"SIGKILL of {len(killed)} web processes (of 2 sharing the port), one every"
            f" {_BETWEEN_KILLS_S:.0f} s or more, the other always serving; uvicorn replaced each",
            driven,
            audit,
        )

    assert driven.transport_errors > 0, "no request was dropped: the kills were not felt"
    assert driven.unexpected_codes() == {}
    assert not driven.summary()["gave_up"]
    assert settled, "some paid orders were never finalized or confirmed"
    assert not driven.summary()["unsettled"]
    assert orders_per_family == 1
    assert mismatches == 0
    assert emails
    assert set(emails.values()) == {1}, emails
    assert audit.clean, audit.summary()
