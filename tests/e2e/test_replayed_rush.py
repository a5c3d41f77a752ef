"""An opening morning replayed against a running demo while staff watch the dashboard.

A hundred and fifty families of a generated trace arrive before and after opening (locust, in
its own process), hold, abandon, pay on time or late; an admin watches `/ops/sales/1` in
Chromium.
The screenshot in the README comes from here, and the audit afterwards must be clean.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import pytest
from redis.asyncio import Redis

from loadtests.queries import query
from loadtests.seed_families import load_catalogue, seed_trace_families
from loadtests.traces import generate_trace, write_trace
from rush.config import load_settings
from rush.crypto import FieldCipher
from rush.dev.bootstrap import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD
from rush.dev.servers import ServerUrls
from rush.ops.audit import run_audit
from tests.e2e.live_demo import LiveDemo, live_demo
from tests.support.locust_runs import run_locust

playwright_api = pytest.importorskip("playwright.async_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"
ENCRYPTION_KEY = "8PM8rDe3DlDk9c3YxRwV6NZl3Q3n0V3mYq0t2zW5u1c="
FAMILIES = 150
SPEED = 120
"""Trace seconds per real second: the half hour before opening passes in fifteen seconds, the
hour after it in thirty (the last family arrives about half an hour in)."""
SALE_ID = 1

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[LiveDemo]:
    # locust stands for the town's balancer: each family's X-Forwarded-For is believed from it.
    with live_demo(
        tmp_path / "demo", encryption_keys=ENCRYPTION_KEY, trusted_proxies="127.0.0.1"
    ) as running:
        yield running


def _servers(demo: LiveDemo) -> ServerUrls:
    return msgspec.json.decode((demo.data_dir / "servers.json").read_bytes(), type=ServerUrls)


async def _stat(page: Any, key: str) -> int:
    text: str = await page.inner_text(f'[data-k="{key}"]')
    return int(text.replace("\u202f", "").replace(" ", "") or 0)


async def _watch_until_busy(page: Any, base_url: str) -> dict[str, int]:
    """Log in as the demo admin, open the dashboard, wait until families are paying."""
    await page.goto(f"{base_url}/login")
    await page.fill('input[name="email"]', DEMO_ADMIN_EMAIL)
    await page.fill('input[name="password"]', DEMO_ADMIN_PASSWORD)
    await page.click('form[action="/login"] button[type="submit"]')
    await page.goto(f"{base_url}/ops/sales/{SALE_ID}/")
    deadline = time.monotonic() + 150
    seen: dict[str, int] = {}
    while time.monotonic() < deadline:
        seen = {
            key: await _stat(page, key)
            for key in ("flow.paid_orders", "queue.admitted_total", "flow.holds_per_min")
        }
        if seen["flow.paid_orders"] >= FAMILIES // 4:
            break
        await asyncio.sleep(1)
    return seen


async def _until_finalized(pool: asyncpg.Pool, within_s: float = 30) -> None:
    """Until the worker finalized every payment the provider took (the audit then judges)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if await pool.fetchval(query("bench_unfinalized_orders"), SALE_ID) == 0:
            return
        await asyncio.sleep(0.2)


async def test_a_replayed_morning_shows_on_the_dashboard_and_audits_clean(
    demo: LiveDemo, tmp_path: Path
) -> None:
    urls = _servers(demo)
    pool = await asyncpg.create_pool(urls.database_url, min_size=1, max_size=4)
    try:
        trace = generate_trace(await load_catalogue(pool, SALE_ID), FAMILIES, 1.5, 0.7, 0.1, 0.1, 7)
        await seed_trace_families(pool, trace, FieldCipher([ENCRYPTION_KEY]))
        opening = time.time() + 15
        await pool.execute(
            "UPDATE sale SET opens_at = to_timestamp($2) WHERE id = $1", SALE_ID, opening
        )
    finally:
        await pool.close()
    trace_path = tmp_path / "trace.jsonl"
    write_trace(trace, trace_path)
    locust = asyncio.create_task(
        run_locust(
            {
                **os.environ,
                "RUSH_TRACE": str(trace_path),
                "RUSH_REPLAY_SPEED": str(SPEED),
                "RUSH_OPENING_AT": str(opening),
                "RUSH_ORDER_WAIT_S": "60",
                "RUSH_DRAIN_S": "90",
                "RUSH_ADMIN_EMAIL": DEMO_ADMIN_EMAIL,
                "RUSH_ADMIN_PASSWORD": DEMO_ADMIN_PASSWORD,
                "RUSH_ADMISSION_RATE": "600",
                # Room for every family: the rate still makes a line at opening, and the run
                # ends when the last family is done. With 60 shoppers, families that had paid
                # kept their turn for the grace period while the rest polled a full room
                # until RUSH_DRAIN_S ran out, doing nothing else the test looks at.
                "RUSH_MAX_SHOPPERS": str(FAMILIES),
            },
            demo.base_url,
            within_s=240,
        )
    )
    async with playwright_api.async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM)
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        seen = await _watch_until_busy(page, demo.base_url)
        await page.screenshot(path=str(SCREENS / "12-ops-dashboard-rush.png"), full_page=True)
        await browser.close()
    summary = await locust
    report = summary["output"]
    print(report)
    assert seen["flow.paid_orders"] >= FAMILIES // 4, seen
    assert seen["queue.admitted_total"] > 0, seen
    assert summary["failures_total"] == 0, report
    assert summary["families_finished"] == FAMILIES, report

    settings = msgspec.structs.replace(
        load_settings({"RUSH_ENV": "development"}),
        database_url=urls.database_url,
        redis_url=urls.redis_url,
    )
    pool = await asyncpg.create_pool(urls.database_url, min_size=1, max_size=4)
    redis = Redis.from_url(urls.redis_url)
    try:
        await _until_finalized(pool)
        audit = await run_audit(pool, redis, settings, SALE_ID)
    finally:
        await pool.close()
        await redis.aclose()
    print(audit.summary())
    assert audit.clean, audit.summary()
