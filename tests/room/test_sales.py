"""A sale's lifecycle in Postgres and Redis: the recorded draw and the admission log."""

from __future__ import annotations

import asyncio
import hashlib

from rush.room.sales import (
    copy_admissions_to_postgres,
    open_sale,
    pause_sale,
    prepare_room,
    set_pace,
)
from rush.room.waiting_room import QueueState
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory


async def test_opening_records_a_draw_anyone_can_recompute_and_logs_admissions_in_order(
    services: Services, catalogue: CatalogueFactory
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    families = [(await catalogue.family()).id for _ in range(30)]
    await services.pool.execute(
        "UPDATE sale SET admission_rate_per_min = 60000, max_shoppers = 100 WHERE id = $1", sale_id
    )
    await prepare_room(services.pool, services.room, sale_id)
    for family_id in families:
        await services.room.standing(sale_id, family_id, join=True)

    draw = await open_sale(services.pool, services.room, sale_id)
    await asyncio.sleep(0.05)
    await services.room.admit_due(sale_id)
    assert await copy_admissions_to_postgres(services.pool, services.room, sale_id) == 30
    assert await copy_admissions_to_postgres(services.pool, services.room, sale_id) == 0

    recorded = await services.pool.fetchrow(
        "SELECT seed, families FROM queue_draw WHERE sale_id = $1", sale_id
    )
    recomputed = sorted(
        families, key=lambda f: hashlib.sha1(f"{recorded['seed']}:{f}".encode()).hexdigest()
    )
    assert list(recorded["families"]) == recomputed == draw.families
    log = await services.pool.fetch(
        "SELECT ticket, family_id FROM admission WHERE sale_id = $1 ORDER BY ticket", sale_id
    )
    assert [r["family_id"] for r in log] == recomputed
    assert [r["ticket"] for r in log] == list(range(1, 31))
    assert await services.pool.fetchval("SELECT status FROM sale WHERE id = $1", sale_id) == "open"


async def test_pace_and_pause_are_recorded_and_enforced(
    services: Services, catalogue: CatalogueFactory
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    family = await catalogue.family()
    await prepare_room(services.pool, services.room, sale_id)
    await open_sale(services.pool, services.room, sale_id)
    await set_pace(services.pool, services.room, sale_id, rate_per_min=30, max_shoppers=5)
    await pause_sale(services.pool, services.room, sale_id)

    standing = await services.room.standing(sale_id, family.id, join=True)

    assert standing.state is QueueState.QUEUED
    row = await services.pool.fetchrow(
        "SELECT status, admission_rate_per_min, max_shoppers FROM sale WHERE id = $1", sale_id
    )
    assert tuple(row) == ("paused", 30, 5)
    stats = await services.room.stats(sale_id)
    assert (stats.rate_per_min, stats.max_shoppers, stats.status) == (30, 5, "paused")


async def test_a_room_lost_with_redis_comes_back_in_the_sales_status(
    services: Services, catalogue: CatalogueFactory
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    family = await catalogue.family()
    await prepare_room(services.pool, services.room, sale_id)
    await open_sale(services.pool, services.room, sale_id)
    await services.redis.flushdb()

    assert await prepare_room(services.pool, services.room, sale_id) == "open"
    standing = await services.room.standing(sale_id, family.id, join=True)
    assert standing.state in (QueueState.QUEUED, QueueState.ADMITTED)
