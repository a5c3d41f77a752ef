"""The dashboard's flow counters, its half-hour history and its self-pacing controls."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import json
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from rush.engine.hold_timing import MIN_SAMPLES, BufferedHoldTimings, HoldTimings
from rush.engine.keys import sale_keys
from rush.errors import PlacesShort
from rush.ops.dashboard import DashboardSnapshot, build_snapshot
from rush.ops.dashboard_history import record_point, sale_history
from rush.purchase.carts import Carts, HoldTimes
from rush.room.sales import prepare_room
from rush.room.self_pacer import self_pacing_config
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory

Client = AsyncTestClient[Any]


def later(snapshot: DashboardSnapshot, ms: int) -> DashboardSnapshot:
    return msgspec.structs.replace(snapshot, at_ms=snapshot.at_ms + ms)


async def test_holds_per_minute_counts_each_new_hold_once(
    services: Services, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([10, 1])
    await prepare_room(services.pool, services.room, camp.sale_id)
    first, second = camp.group_ids
    await services.engine.hold(camp.id, "cart:a", {first: 1}, 60_000, 60_000)
    await services.engine.hold(camp.id, "cart:a", {first: 2}, 60_000, 60_000)  # replaced
    await services.engine.hold(camp.id, "cart:b", {second: 1}, 60_000, 60_000)
    with pytest.raises(PlacesShort):
        await services.engine.hold(camp.id, "cart:c", {second: 1}, 60_000, 60_000)

    snapshot = await build_snapshot(services, camp.sale_id)

    assert snapshot.flow.holds_per_min == 2
    assert snapshot.flow.expiries_per_min == 0


async def test_an_expired_hold_counts_in_expiries_per_minute(
    services: Services, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([5])
    other = await catalogue.program([5], sale_id=camp.sale_id)
    await prepare_room(services.pool, services.room, camp.sale_id)
    await services.engine.hold(camp.id, "cart:late", {camp.group_ids[0]: 2}, 50, 50)
    await services.engine.hold(other.id, "cart:kept", {other.group_ids[0]: 1}, 60_000, 60_000)
    await asyncio.sleep(0.1)

    assert await services.engine.sweep(camp.id) == 1
    snapshot = await build_snapshot(services, camp.sale_id)

    assert (snapshot.flow.holds_per_min, snapshot.flow.expiries_per_min) == (2, 1)


async def test_cart_holds_give_the_snapshot_a_hold_p99(
    services: Services, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([MIN_SAMPLES + 5])
    await prepare_room(services.pool, services.room, camp.sale_id)
    carts = Carts(
        services.pool, services.engine, HoldTimes(60_000, 600_000), HoldTimings(services.redis)
    )
    quiet = await build_snapshot(services, camp.sale_id)
    for _ in range(MIN_SAMPLES):
        family = await catalogue.family([dt.date(2019, 4, 2)])
        await carts.add(family.id, camp.sale_id, family.child_ids, camp.group_ids, live=True)

    snapshot = await build_snapshot(services, camp.sale_id)

    assert quiet.flow.hold_p99_ms is None
    assert snapshot.flow.hold_p99_ms is not None
    assert snapshot.flow.hold_p99_ms > 0
    assert snapshot.flow.holds_per_min == MIN_SAMPLES


async def test_a_web_process_writes_its_hold_timings_once_a_second_not_per_hold(
    services: Services, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([MIN_SAMPLES + 5])
    await prepare_room(services.pool, services.room, camp.sale_id)
    buffered = BufferedHoldTimings(services.redis, every_s=0.3)
    carts = Carts(services.pool, services.engine, HoldTimes(60_000, 600_000), buffered)
    for _ in range(MIN_SAMPLES):
        family = await catalogue.family([dt.date(2019, 4, 2)])
        await carts.add(family.id, camp.sale_id, family.child_ids, camp.group_ids, live=True)
    unwritten = await build_snapshot(services, camp.sale_id)

    await asyncio.sleep(0.5)
    written = await build_snapshot(services, camp.sale_id)

    assert unwritten.flow.hold_p99_ms is None
    assert written.flow.hold_p99_ms is not None
    keys = await services.redis.keys(sale_keys(camp.sale_id).hold_ms + ":*")
    counts = [int(v) for key in keys for v in (await services.redis.hgetall(key)).values()]
    assert sum(counts) == MIN_SAMPLES


async def test_history_keeps_one_point_every_five_seconds_and_the_page_draws_it(
    supervisor: Client, services: Services, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([8])
    await prepare_room(services.pool, services.room, camp.sale_id)
    await services.engine.hold(camp.id, "cart:a", {camp.group_ids[0]: 3}, 60_000, 60_000)
    snapshot = await build_snapshot(services, camp.sale_id)

    appended = [
        await record_point(services.redis, snapshot),
        await record_point(services.redis, later(snapshot, 1_000)),
        await record_point(services.redis, later(snapshot, 5_000)),
    ]
    points = await sale_history(services.redis, camp.sale_id)

    assert appended == [True, False, True]
    assert [p.at_ms - snapshot.at_ms for p in points] == [0, 5_000]
    assert (points[0].holds_per_min, points[0].places_left) == (1, 5)
    page = await supervisor.get(f"/ops/sales/{camp.sale_id}")
    assert page.status_code == 200
    drawn = json.loads(html.unescape(page.text.split("data-history='")[1].split("'")[0]))
    assert drawn == msgspec.to_builtins(points)
    assert '<script src="/static/uPlot-1.6.32.iife.min.js"' in page.text
    assert "<script>" not in page.text
    vendored = await supervisor.get("/static/uPlot-1.6.32.iife.min.js")
    assert vendored.status_code == 200
    assert "uPlot" in vendored.text


async def test_only_admins_switch_self_pacing_and_the_change_is_logged(
    admin: Client, supervisor: Client, services: Services, catalogue: CatalogueFactory
) -> None:
    sale_id = await catalogue.sale()
    await catalogue.program([5], sale_id=sale_id)
    await prepare_room(services.pool, services.room, sale_id)
    form = {
        "enabled": "on",
        "target_hold_p99_ms": "150",
        "target_finalize_lag_ms": "8000",
        "floor_per_min": "20",
        "ceiling_per_min": "300",
    }

    refused = await supervisor.post(
        f"/ops/sales/{sale_id}/actions/self_pacing",
        data={**form, "_csrf_token": supervisor.cookies["csrftoken"]},
        follow_redirects=False,
    )
    switched = await admin.post(
        f"/ops/sales/{sale_id}/actions/self_pacing",
        data={**form, "_csrf_token": admin.cookies["csrftoken"]},
        follow_redirects=False,
    )
    bad = await admin.post(
        f"/ops/sales/{sale_id}/actions/self_pacing",
        data={**form, "floor_per_min": "400", "_csrf_token": admin.cookies["csrftoken"]},
        follow_redirects=False,
    )
    no_csrf = await admin.post(
        f"/ops/sales/{sale_id}/actions/self_pacing", data=form, follow_redirects=False
    )

    assert refused.status_code == 403
    assert switched.status_code in (302, 303)
    assert bad.status_code == 400
    assert "plancher" in bad.text
    assert no_csrf.status_code == 403
    config = await self_pacing_config(services.pool, sale_id)
    assert (config.enabled, config.target_hold_p99_ms, config.floor_per_min) == (True, 150, 20)
    logged = await services.pool.fetch("SELECT action FROM staff_action ORDER BY id")
    assert [r["action"] for r in logged] == ["self_pacing"]
    page = await admin.get(f"/ops/sales/{sale_id}")
    assert 'name="enabled" type="checkbox" checked' in page.text


async def test_a_new_sale_paces_itself_until_an_admin_switches_it_off(
    admin: Client, services: Services, catalogue: CatalogueFactory
) -> None:
    sale_id = await catalogue.sale()
    await catalogue.program([5], sale_id=sale_id)
    await prepare_room(services.pool, services.room, sale_id)
    before = await admin.get(f"/ops/sales/{sale_id}")
    form = {
        "target_hold_p99_ms": "250",
        "target_finalize_lag_ms": "15000",
        "floor_per_min": "10",
        "ceiling_per_min": "600",
        "_csrf_token": admin.cookies["csrftoken"],
    }

    switched = await admin.post(
        f"/ops/sales/{sale_id}/actions/self_pacing", data=form, follow_redirects=False
    )

    assert 'name="enabled" type="checkbox" checked' in before.text
    assert switched.status_code in (302, 303)
    assert not (await self_pacing_config(services.pool, sale_id)).enabled
    after = await admin.get(f"/ops/sales/{sale_id}")
    assert 'name="enabled" type="checkbox">' in after.text
