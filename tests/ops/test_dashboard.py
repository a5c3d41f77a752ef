"""The live dashboard: staff only, one snapshot for all watchers, controls that act."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import msgspec
import pytest
import uvicorn
from litestar.testing import AsyncTestClient

from loadtests.bench_processes import free_port
from rush.config import Settings
from rush.families.accounts import create_staff_account
from rush.ops.dashboard import build_snapshot, dashboard_channel
from rush.purchase.carts import Carts, HoldTimes
from rush.room.fairness import draw_order
from rush.room.sales import copy_admissions_to_postgres, open_sale, prepare_room
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory
from web.app import create_app
from workers.channels import dashboard_backend

Client = AsyncTestClient[Any]


async def test_the_snapshot_counts_holds_and_the_waiting_room(
    services: Services, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([10, 4])
    await prepare_room(services.pool, services.room, camp.sale_id)
    await services.engine.hold(camp.id, "cart", {camp.group_ids[1]: 3}, 60_000, 60_000)
    family = await catalogue.family()
    await services.room.standing(camp.sale_id, family.id, join=True)

    snapshot = await build_snapshot(services, camp.sale_id)

    fills = {g.group_id: (g.capacity, g.held, g.places_left) for g in snapshot.groups}
    assert fills == {camp.group_ids[0]: (10, 0, 10), camp.group_ids[1]: (4, 3, 1)}
    assert snapshot.queue.status == "open"
    assert snapshot.flow.paid_orders == 0


async def test_the_dashboard_shows_the_median_wait_of_recent_admissions(
    supervisor: Client, services: Services, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([10])
    await prepare_room(services.pool, services.room, camp.sale_id)
    await services.room.configure(camp.sale_id, rate_per_min=0)
    family = await catalogue.family()
    await services.room.standing(camp.sale_id, family.id, join=True)
    quiet = await build_snapshot(services, camp.sale_id)
    await services.room.configure(camp.sale_id, rate_per_min=60_000)
    await asyncio.sleep(0.05)
    await services.room.admit_due(camp.sale_id)

    snapshot = await build_snapshot(services, camp.sale_id)
    page = await supervisor.get(f"/ops/sales/{camp.sale_id}")

    assert quiet.queue.median_wait_s is None
    assert snapshot.queue.median_wait_s == 10
    assert "Attente médiane des admissions de la dernière minute" in page.text
    assert 'data-k="queue.median_wait_s">10<' in page.text


async def test_the_dashboard_is_for_staff_and_only_admins_act(
    admin: Client,
    supervisor: Client,
    settings: Settings,
    catalogue: CatalogueFactory,
    services: Services,
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    await catalogue.program([5], sale_id=sale_id)
    await prepare_room(services.pool, services.room, sale_id)
    async with AsyncTestClient(app=create_app(settings)) as anonymous:
        answer = await anonymous.get(f"/ops/sales/{sale_id}", follow_redirects=False)
        assert answer.status_code in (302, 303)
    page = await supervisor.get(f"/ops/sales/{sale_id}")
    assert page.status_code == 200
    assert "Tableau de bord en direct" in page.text
    assert 'id="status"' in page.text
    assert ">À venir</span>" in page.text  # the status in the watcher's language, not "scheduled"
    token = supervisor.cookies["csrftoken"]
    refused = await supervisor.post(
        f"/ops/sales/{sale_id}/actions/open", data={"_csrf_token": token}, follow_redirects=False
    )
    assert refused.status_code == 403
    opened = await admin.post(
        f"/ops/sales/{sale_id}/actions/open",
        data={"_csrf_token": admin.cookies["csrftoken"]},
        follow_redirects=False,
    )
    assert opened.status_code in (302, 303)
    paused = await admin.post(
        f"/ops/sales/{sale_id}/actions/pause",
        data={"_csrf_token": admin.cookies["csrftoken"]},
        follow_redirects=False,
    )
    assert paused.status_code in (302, 303)
    assert (await services.room.stats(sale_id)).status == "paused"


@pytest.fixture
async def live_app(settings: Settings, clean: None) -> AsyncIterator[str]:
    """The app under a real uvicorn server: server-sent events need a streaming transport."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
        await asyncio.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


async def test_the_stream_sends_a_snapshot_then_each_published_one(
    live_app: str, pool: asyncpg.Pool, catalogue: CatalogueFactory, services: Services
) -> None:
    camp = await catalogue.program([6])
    await prepare_room(services.pool, services.room, camp.sale_id)
    await create_staff_account(
        pool, email="sup@ville.qc.ca", password="staff password 1", role="supervisor"
    )
    events: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=live_app) as client:
        await client.get("/api/v1/groups")
        await client.post(
            "/api/v1/auth/login",
            headers={"x-csrftoken": client.cookies["csrftoken"]},
            json={"email": "sup@ville.qc.ca", "password": "staff password 1"},
        )
        async with (
            asyncio.timeout(20),
            client.stream("GET", f"/ops/sales/{camp.sale_id}/stream") as response,
        ):
            assert response.headers["content-type"].startswith("text/event-stream")
            async for line in response.aiter_lines():
                if not line.startswith("data:"):
                    continue
                events.append(json.loads(line.removeprefix("data:").strip()))
                if len(events) > 1:
                    break
                await services.engine.hold(camp.id, "cart", {camp.group_ids[0]: 2}, 60_000, 60_000)
                snapshot = await build_snapshot(services, camp.sale_id)
                await dashboard_backend(services.redis).publish(
                    msgspec.json.encode(snapshot), [dashboard_channel(camp.sale_id)]
                )
    assert [e["groups"][0]["held"] for e in events] == [0, 2]


async def test_admin_controls_change_capacity_and_carts_and_are_logged(
    admin: Client, catalogue: CatalogueFactory, services: Services
) -> None:
    camp = await catalogue.program([10])
    g = camp.group_ids[0]
    await prepare_room(services.pool, services.room, camp.sale_id)
    family = await catalogue.family([dt.date(2019, 4, 2)])
    carts = Carts(services.pool, services.engine, HoldTimes(60_000, 600_000))
    await carts.add(family.id, camp.sale_id, family.child_ids, [g], live=True)
    email = await services.pool.fetchval(
        "SELECT email::text FROM account WHERE family_id = $1", family.id
    )
    token = admin.cookies["csrftoken"]

    async def act(action: str, **form: str) -> int:
        answer = await admin.post(
            f"/ops/sales/{camp.sale_id}/actions/{action}",
            data={**form, "_csrf_token": token},
            follow_redirects=False,
        )
        return answer.status_code

    assert await act("capacity", group_id=str(g), capacity="12") in (302, 303)
    assert await act("extend_cart", email=email, minutes="5") in (302, 303)
    assert await act("release_cart", email=email) in (302, 303)
    assert await act("capacity", group_id=str(g), capacity="-1") >= 400

    places = (await services.engine.places(camp.id, [g])).groups[g]
    assert (places.capacity, places.held) == (12, 0)
    assert (
        await services.pool.fetchval("SELECT capacity FROM activity_group WHERE id = $1", g) == 12
    )
    logged = await services.pool.fetch("SELECT action FROM staff_action ORDER BY id")
    assert [r["action"] for r in logged] == ["capacity", "extend_cart", "release_cart"]
    page = await admin.get(f"/ops/sales/{camp.sale_id}")
    assert "admin@ville.qc.ca" in page.text


async def test_a_control_logs_the_same_details_through_the_form_and_the_api(
    admin: Client, catalogue: CatalogueFactory, services: Services
) -> None:
    camp = await catalogue.program([10])
    await prepare_room(services.pool, services.room, camp.sale_id)

    form = await admin.post(
        f"/ops/sales/{camp.sale_id}/actions/pace",
        data={"rate_per_min": "30", "max_shoppers": "", "_csrf_token": admin.cookies["csrftoken"]},
        follow_redirects=False,
    )
    api = await admin.patch(
        f"/api/v1/ops/sales/{camp.sale_id}/pace",
        headers={"x-csrftoken": admin.cookies["csrftoken"]},
        json={"rate_per_min": 30},
    )

    assert form.status_code in (302, 303)
    assert api.status_code == 200
    logged = await services.pool.fetch("SELECT action, details FROM staff_action ORDER BY id")
    assert [(r["action"], json.loads(r["details"])) for r in logged] == [
        ("pace", {"rate_per_min": 30, "max_shoppers": None})
    ] * 2


async def test_the_fairness_audit_recomputes_the_draw_from_the_seed(
    supervisor: Client, catalogue: CatalogueFactory, services: Services
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    await services.pool.execute(
        "UPDATE sale SET admission_rate_per_min = 60000, max_shoppers = 100 WHERE id = $1", sale_id
    )
    await prepare_room(services.pool, services.room, sale_id)
    families = [(await catalogue.family()).id for _ in range(8)]
    for family_id in families:
        await services.room.standing(sale_id, family_id, join=True)
    await open_sale(services.pool, services.room, sale_id)
    await asyncio.sleep(0.05)
    await services.room.admit_due(sale_id)
    await copy_admissions_to_postgres(services.pool, services.room, sale_id)

    answer = await supervisor.get(f"/ops/sales/{sale_id}/fairness.json")

    report = answer.json()
    assert report["fair"] is True
    assert report["drawn_families"] == draw_order(report["seed"], families)
    assert [a["family_id"] for a in report["admissions"]] == report["drawn_families"]
