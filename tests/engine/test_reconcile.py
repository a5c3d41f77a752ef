"""Redis is rebuilt from Postgres with no paid place lost or counted twice."""

from __future__ import annotations

import asyncpg
import pytest
from redis.asyncio import Redis

from rush.engine.capacity import change_capacity
from rush.engine.holds import ConfirmOutcome, GroupSnapshot, HoldEngine
from rush.engine.reconcile import reconcile_all, reconcile_program
from rush.errors import CapacityBelowCommitted, HoldExpired
from tests.support.catalogue_factory import CatalogueFactory

TTL, LIFE = 60_000, 120_000


async def test_flush_then_reconcile_keeps_every_paid_place(
    engine: HoldEngine, catalogue: CatalogueFactory, pool: asyncpg.Pool, redis: Redis
) -> None:
    program = await catalogue.program([5, 3])
    g1, g2 = program.group_ids
    await engine.hold(program.id, "paid-cart", {g1: 2, g2: 1}, TTL, LIFE)
    await catalogue.record_paid_hold(program, "paid-cart", {g1: 2, g2: 1})
    await engine.confirm(program.id, "paid-cart")
    await engine.hold(program.id, "shopping", {g1: 1}, TTL, LIFE)

    await redis.flushdb()
    drifts = await reconcile_all(pool, engine)

    assert [d.program_id for d in drifts] == [program.id]
    reading = await engine.places(program.id, [g1, g2])
    assert [(p.capacity, p.paid, p.held) for p in reading.groups.values()] == [(5, 2, 0), (3, 1, 0)]
    assert await engine.confirm(program.id, "paid-cart") is ConfirmOutcome.ALREADY_CONFIRMED


async def test_reconcile_of_a_healthy_engine_reports_no_drift(
    engine: HoldEngine, catalogue: CatalogueFactory, pool: asyncpg.Pool
) -> None:
    program = await catalogue.program([5])
    g = program.group_ids[0]
    await engine.hold(program.id, "shopping", {g: 2}, TTL, LIFE)
    drift = await reconcile_program(pool, engine, program.id)
    assert drift.groups == []
    assert (await engine.places(program.id, [g])).groups[g].held == 2


async def test_payment_committed_but_not_yet_confirmed_is_confirmed_by_reconcile(
    engine: HoldEngine, catalogue: CatalogueFactory, pool: asyncpg.Pool
) -> None:
    program = await catalogue.program([4])
    g = program.group_ids[0]
    await engine.hold(program.id, "in-flight", {g: 2}, TTL, LIFE)
    await catalogue.record_paid_hold(program, "in-flight", {g: 2})

    await reconcile_program(pool, engine, program.id)

    places = (await engine.places(program.id, [g])).groups[g]
    assert (places.paid, places.held) == (2, 0)
    assert await engine.confirm(program.id, "in-flight") is ConfirmOutcome.ALREADY_CONFIRMED
    assert (await engine.places(program.id, [g])).groups[g].paid == 2


async def test_confirm_that_lands_after_the_snapshot_is_not_lost(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([4])
    g = program.group_ids[0]
    stale_snapshot = [GroupSnapshot(g, 4, 0)]
    await engine.hold(program.id, "racing", {g: 3}, TTL, LIFE)
    await engine.confirm(program.id, "racing")

    drifts = await engine.reconcile(program.id, stale_snapshot, paid_hold_ids=[])

    assert drifts == []
    assert (await engine.places(program.id, [g])).groups[g].paid == 3


async def test_paid_places_lost_from_redis_are_restored_and_reported(
    engine: HoldEngine, catalogue: CatalogueFactory, pool: asyncpg.Pool, redis: Redis
) -> None:
    program = await catalogue.program([4])
    g = program.group_ids[0]
    await engine.hold(program.id, "cart", {g: 1}, TTL, LIFE)
    await catalogue.record_paid_hold(program, "cart", {g: 1})
    await engine.confirm(program.id, "cart")
    await redis.hset(f"rush:{{p:{program.id}}}:paid", str(g), 0)

    drift = await reconcile_program(pool, engine, program.id)

    assert [(d.group_id, d.paid) for d in drift.groups] == [(g, (0, 1))]


async def test_postgres_refuses_a_registration_past_capacity(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([2])
    g = program.group_ids[0]
    await catalogue.record_paid_hold(program, "a", {g: 2})
    with pytest.raises(asyncpg.CheckViolationError, match="paid_within_capacity"):
        await catalogue.record_paid_hold(program, "b", {g: 1})


async def test_postgres_refuses_capacity_below_paid(
    engine: HoldEngine, catalogue: CatalogueFactory, pool: asyncpg.Pool
) -> None:
    program = await catalogue.program([3])
    g = program.group_ids[0]
    await catalogue.record_paid_hold(program, "a", {g: 2})
    with pytest.raises(asyncpg.CheckViolationError):
        await pool.execute("UPDATE activity_group SET capacity = 1 WHERE id = $1", g)


async def test_cancelling_a_registration_frees_its_place_in_postgres(
    engine: HoldEngine, catalogue: CatalogueFactory, pool: asyncpg.Pool
) -> None:
    program = await catalogue.program([1])
    g = program.group_ids[0]
    await catalogue.record_paid_hold(program, "a", {g: 1})
    await pool.execute("UPDATE registration SET status = 'cancelled' WHERE group_id = $1", g)
    assert await pool.fetchval("SELECT paid_count FROM activity_group WHERE id = $1", g) == 0
    await catalogue.record_paid_hold(program, "b", {g: 1})


async def test_change_capacity_moves_postgres_and_redis_together(
    engine: HoldEngine, catalogue: CatalogueFactory, pool: asyncpg.Pool
) -> None:
    program = await catalogue.program([10])
    g = program.group_ids[0]
    await engine.hold(program.id, "shopping", {g: 4}, TTL, LIFE)
    await catalogue.record_paid_hold(program, "paid", {g: 2})
    await reconcile_program(pool, engine, program.id)

    with pytest.raises(CapacityBelowCommitted):
        await change_capacity(pool, engine, g, 5)
    assert await pool.fetchval("SELECT capacity FROM activity_group WHERE id = $1", g) == 10

    await change_capacity(pool, engine, g, 6)
    assert await pool.fetchval("SELECT capacity FROM activity_group WHERE id = $1", g) == 6
    assert (await engine.places(program.id, [g])).groups[g].capacity == 6


async def test_release_after_confirm_does_not_touch_paid_places(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([3])
    g = program.group_ids[0]
    await engine.hold(program.id, "cart", {g: 2}, TTL, LIFE)
    await engine.confirm(program.id, "cart")
    assert await engine.release(program.id, "cart") == 0
    with pytest.raises(HoldExpired):
        await engine.extend(program.id, "cart", TTL)
    assert (await engine.places(program.id, [g])).groups[g].paid == 2
