"""Twenty families of a tiny trace through the real app, a real worker and locust as a library.

The app and the worker run as `rush serve` / `rush worker` processes against the test servers;
locust runs in a process of its own (`python -m loadtests.run`), since it patches the standard
library with gevent, which this test process must not get.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from loadtests.bench_processes import free_port
from loadtests.seed_families import load_catalogue, seed_trace_families
from loadtests.traces import generate_trace, read_trace, write_trace
from rush.config import Settings
from rush.crypto import FieldCipher
from rush.dev.mail_catcher import MailCatcher
from rush.families.accounts import create_staff_account
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.locust_runs import requests_named, run_locust

pytestmark = pytest.mark.slow

ADMIN_EMAIL = "admin@ville.qc.ca"
ADMIN_PASSWORD = "admin password 1"
SPEED = 200
"""Trace seconds per real second: the half hour before opening passes in nine seconds."""


def _environment(settings: Settings, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUSH_")}
    env.update(
        {
            "DATABASE_URL": settings.database_url,
            "REDIS_URL": settings.redis_url,
            "RUSH_ENV": "development",
            "RUSH_SIGNING_KEY": settings.signing_key,
            "RUSH_ENCRYPTION_KEYS": settings.encryption_keys,
            "RUSH_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "RUSH_SMTP_HOST": settings.smtp_host,
            "RUSH_SMTP_PORT": str(settings.smtp_port),
            "RUSH_PORT": str(port),
            # locust stands for the town's balancer: each family's X-Forwarded-For is believed.
            "RUSH_TRUSTED_PROXIES": "127.0.0.1",
            # A new arrival is shed whenever another request is in flight, and told to come back
            # in 1-2 s: families signing in together are shed (6 and 8 answers in two runs on the
            # test machine; how many depends on timing), wait and retry, and the run still has no
            # failure and counts them apart.
            "RUSH_SHED_MAX_IN_FLIGHT": "1",
            "RUSH_SHED_RETRY_AFTER_SECONDS": "1",
        }
    )
    return env


@contextlib.contextmanager
def rush_processes(env: dict[str, str], logs: Path) -> Iterator[None]:
    """`rush serve` and `rush worker`, interrupted (then killed if they linger) on the way out."""
    rush = str(Path(sys.executable).parent / "rush")
    started = []
    try:
        for command in ("serve", "worker"):
            out = (logs / f"{command}.log").open("w")
            started.append(
                subprocess.Popen([rush, command], env=env, stdout=out, stderr=subprocess.STDOUT)
            )
        yield
    finally:
        for process in started:
            process.send_signal(signal.SIGINT)
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


async def wait_until_healthy(base_url: str, within_s: float = 60) -> None:
    deadline = time.monotonic() + within_s
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"{base_url}/health", timeout=2)).status_code == 200:
                    return
            await asyncio.sleep(0.3)
    raise RuntimeError("rush serve did not become healthy in time")


async def test_twenty_families_hold_and_pay_under_locust_without_failures(
    pool: asyncpg.Pool,
    app_settings: Settings,
    catalogue: CatalogueFactory,
    catcher: MailCatcher,
    tmp_path: Path,
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    # A popular week of 4 places sells out; the others keep places.
    await catalogue.program(
        [4, 30, 30], 9500, sale_id=sale_id, ages=(5, 12), daycare_capacities=[3, 20]
    )
    await create_staff_account(pool, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, role="admin")
    trace = generate_trace(await load_catalogue(pool, sale_id), 20, 1.5, 0.7, 0.1, 0.15, seed=5)
    await seed_trace_families(pool, trace, FieldCipher(app_settings.encryption_key_list))
    trace_path, record_path = tmp_path / "trace.jsonl", tmp_path / "recorded.jsonl"
    write_trace(trace, trace_path)

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = _environment(app_settings, port)
    with rush_processes(env, tmp_path):
        await wait_until_healthy(base_url)
        opening = time.time() + 8
        await pool.execute(
            "UPDATE sale SET opens_at = to_timestamp($2) WHERE id = $1", sale_id, opening
        )
        summary = await run_locust(
            {
                **env,
                "RUSH_TRACE": str(trace_path),
                "RUSH_RECORD_TRACE": str(record_path),
                "RUSH_REPLAY_SPEED": str(SPEED),
                "RUSH_OPENING_AT": str(opening),
                "RUSH_ORDER_WAIT_S": "30",
                "RUSH_DRAIN_S": "60",
                "RUSH_ADMIN_EMAIL": ADMIN_EMAIL,
                "RUSH_ADMIN_PASSWORD": ADMIN_PASSWORD,
                # Admit the twenty within a second or two: at the sale's default of 120 a
                # minute the run mostly waited for the line to move. Every family still joins,
                # polls and is admitted through the waiting room.
                "RUSH_ADMISSION_RATE": "1200",
            },
            base_url,
            within_s=150,
        )

    report = summary["output"]
    print(report)
    assert summary["failures_total"] == 0, report
    assert summary["user_exceptions"] == 0, report
    assert not summary["timed_out"], report
    assert summary["families_finished"] == 20, report
    assert summary["families_unfinished"] == 0, report
    assert requests_named(summary, "login") == 20
    assert requests_named(summary, "join") >= 20
    assert requests_named(summary, "hold") > 0, report
    assert requests_named(summary, "pay") > 0, report
    paid_orders = summary["outcomes"].get("order_paid", 0)
    assert paid_orders > 0, report

    in_postgres = await pool.fetchval(
        "SELECT count(DISTINCT o.id) FROM orders o JOIN account a ON a.family_id = o.family_id"
        " WHERE o.status = 'paid' AND a.email LIKE 'loadtest-%'"
    )
    assert in_postgres == paid_orders
    registered = await pool.fetchval(
        "SELECT count(*) FROM registration r JOIN order_line l ON l.id = r.order_line_id"
        " JOIN orders o ON o.id = l.order_id WHERE r.status = 'active' AND o.status = 'paid'"
    )
    assert registered >= paid_orders
    oversold = await pool.fetchval(
        "SELECT count(*) FROM activity_group WHERE paid_count > capacity"
    )
    assert oversold == 0

    recorded = read_trace(record_path)
    assert recorded.seed == trace.seed
    assert sorted(p.key for p in recorded.families) == sorted(p.key for p in trace.families)
    for family in recorded.families:
        steps = [e.name for e in family.events if e.name != "shed"]  # shed, then served
        assert steps[:2] == ["groups", "login"]
        times = [e.t for e in family.events]
        assert times == sorted(times)
        assert family.arrival_s <= times[0]
    shed_in_record = sum(e.name == "shed" for p in recorded.families for e in p.events)
    assert summary["shed"] == summary["outcomes"].get("shed", 0) == shed_in_record, report
    assert summary["shed"] == requests_named(summary, "shed"), report
    paid_in_record = sum(1 for p in recorded.families if any(e.name == "pay" for e in p.events))
    assert paid_in_record == requests_named(summary, "pay")


async def test_families_still_shed_when_the_run_ends_are_counted_as_failures(
    pool: asyncpg.Pool, app_settings: Settings, catalogue: CatalogueFactory, tmp_path: Path
) -> None:
    """A family the end of the run cuts short never registered: the run says so, as a failure
    (`unfinished`), not as a quiet success. Every sign-in is shed here (a loop lag of 0)."""
    sale_id = await catalogue.sale(status="scheduled")
    await catalogue.program([5], 9500, sale_id=sale_id, ages=(5, 12))
    trace = generate_trace(await load_catalogue(pool, sale_id), 3, 1.5, 0.7, 0.1, 0.15, seed=5)
    await seed_trace_families(pool, trace, FieldCipher(app_settings.encryption_key_list))
    trace_path = tmp_path / "trace.jsonl"
    write_trace(trace, trace_path)

    port = free_port()
    env = {**_environment(app_settings, port), "RUSH_SHED_LOOP_LAG_MS": "0"}
    with rush_processes(env, tmp_path):
        await wait_until_healthy(f"http://127.0.0.1:{port}")
        summary = await run_locust(
            {
                **env,
                "RUSH_TRACE": str(trace_path),
                "RUSH_REPLAY_SPEED": "1000",
                "RUSH_OPENING_AT": str(time.time() + 3),
                "RUSH_DRAIN_S": "3",
            },
            f"http://127.0.0.1:{port}",
            within_s=90,
        )

    report = summary["output"]
    assert summary["shed"] > 0, report
    assert requests_named(summary, "login") == 0, report  # none was ever served
    assert summary["families_unfinished"] == 3, report
    assert requests_named(summary, "unfinished") == 3, report
    assert summary["failures_total"] >= 3, report
