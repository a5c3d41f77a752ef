"""The line's outlook and the last reconcile on the dashboard snapshot."""

from __future__ import annotations

import dataclasses

from rush.ops.dashboard import build_snapshot, eta_to_empty_s
from rush.room.sales import prepare_room
from rush.room.waiting_room import RoomStats
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory
from workers.jobs import reconcile_redis

ROOM = RoomStats(
    status="open",
    prequeue=0,
    waiting=0,
    shopping=0,
    admitted_total=0,
    measured_rate_per_min=0,
    rate_per_min=0,
    max_shoppers=10,
    idle_ms=0,
    seed="",
    now_ms=0,
)


def test_the_time_to_empty_the_line_follows_the_measured_pace_else_the_set_one() -> None:
    assert eta_to_empty_s(ROOM) == 0
    line = dataclasses.replace(ROOM, waiting=90, rate_per_min=60)
    assert eta_to_empty_s(line) == 90
    assert eta_to_empty_s(dataclasses.replace(line, measured_rate_per_min=30)) == 180
    assert eta_to_empty_s(dataclasses.replace(line, rate_per_min=0)) is None


async def test_the_snapshot_shows_how_many_groups_the_last_reconcile_repaired(
    services: Services, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([6, 4])
    await prepare_room(services.pool, services.room, camp.sale_id)
    assert (await build_snapshot(services, camp.sale_id)).reconcile is None
    await services.redis.flushdb()  # Redis lost its counts: both groups drift
    assert await reconcile_redis({"services": services}) == 2
    await prepare_room(services.pool, services.room, camp.sale_id)
    drift = (await build_snapshot(services, camp.sale_id)).reconcile
    assert drift is not None
    assert drift.repaired_groups == 2
    assert await reconcile_redis({"services": services}) == 0
    again = (await build_snapshot(services, camp.sale_id)).reconcile
    assert again is not None
    assert again.repaired_groups == 0
    assert again.at_ms >= drift.at_ms
