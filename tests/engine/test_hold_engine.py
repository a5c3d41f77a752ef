"""Each hold-engine script's behaviour, against a real Redis."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from rush.engine.holds import ConfirmOutcome, HoldEngine, HoldStatus
from rush.errors import (
    CapacityBelowCommitted,
    HoldAlreadyPaid,
    HoldExpired,
    InvalidHoldRequest,
    PlacesShort,
    UnknownGroup,
)
from tests.support.catalogue_factory import CatalogueFactory

TTL = 60_000
LIFE = 120_000


async def left(engine: HoldEngine, program_id: int, group_id: int) -> int:
    return (await engine.places(program_id, [group_id])).groups[group_id].places_left


async def test_two_siblings_in_one_group_take_two_places(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([5])
    g = program.group_ids[0]
    granted = await engine.hold(program.id, "cart-1", {g: 2}, TTL, LIFE)
    assert granted.expires_in_ms == TTL
    assert await left(engine, program.id, g) == 3


async def test_six_camp_weeks_are_held_all_or_nothing(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([3, 3, 3, 3, 3, 0])
    weeks = dict.fromkeys(program.group_ids, 1)
    with pytest.raises(PlacesShort) as short:
        await engine.hold(program.id, "cart-1", weeks, TTL, LIFE)
    assert short.value.group_id == program.group_ids[-1]
    assert short.value.places_left == 0
    reading = await engine.places(program.id, program.group_ids)
    assert [p.held for p in reading.groups.values()] == [0] * 6


async def test_a_camp_week_and_its_daycare_slot_are_held_together(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([10, 1])
    week, daycare = program.group_ids
    await engine.hold(program.id, "a", {week: 1, daycare: 1}, TTL, LIFE)
    with pytest.raises(PlacesShort) as short:
        await engine.hold(program.id, "b", {week: 1, daycare: 1}, TTL, LIFE)
    assert (short.value.group_id, short.value.places_left) == (daycare, 0)
    assert await left(engine, program.id, week) == 9


async def test_short_answer_tells_how_many_places_are_left(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([3])
    g = program.group_ids[0]
    with pytest.raises(PlacesShort) as short:
        await engine.hold(program.id, "a", {g: 4}, TTL, LIFE)
    assert short.value.places_left == 3
    assert short.value.code == "sold_out"


async def test_holding_again_replaces_items_and_a_failed_replacement_keeps_the_old(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([2, 2])
    g1, g2 = program.group_ids
    await engine.hold(program.id, "cart", {g1: 2}, TTL, LIFE)
    await engine.hold(program.id, "cart", {g1: 1, g2: 2}, TTL, LIFE)
    reading = await engine.places(program.id, [g1, g2])
    assert (reading.groups[g1].held, reading.groups[g2].held) == (1, 2)
    with pytest.raises(PlacesShort):
        await engine.hold(program.id, "cart", {g1: 1, g2: 3}, TTL, LIFE)
    reading = await engine.places(program.id, [g1, g2])
    assert (reading.groups[g1].held, reading.groups[g2].held) == (1, 2)


async def test_replacing_items_never_prolongs_the_lifetime(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([5])
    g = program.group_ids[0]
    first = await engine.hold(program.id, "cart", {g: 1}, 1_000, 1_000)
    again = await engine.hold(program.id, "cart", {g: 2}, 60_000, 60_000)
    assert again.expires_at_ms == first.expires_at_ms


async def test_release_gives_places_back_once(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([4])
    g = program.group_ids[0]
    await engine.hold(program.id, "cart", {g: 3}, TTL, LIFE)
    assert await engine.release(program.id, "cart") == 3
    assert await engine.release(program.id, "cart") == 0
    assert await left(engine, program.id, g) == 4


async def test_extend_is_capped_by_the_latest_expiry(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([4])
    g = program.group_ids[0]
    granted = await engine.hold(program.id, "cart", {g: 1}, 1_000, 5_000)
    extended = await engine.extend(program.id, "cart", 60_000)
    latest = granted.expires_at_ms - 1_000 + 5_000
    assert extended.expires_at_ms == latest
    shorter = await engine.extend(program.id, "cart", 10)
    assert shorter.expires_at_ms == latest


async def test_extend_after_expiry_is_refused(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([4])
    await engine.hold(program.id, "cart", {program.group_ids[0]: 1}, 30, 30)
    await asyncio.sleep(0.06)
    with pytest.raises(HoldExpired):
        await engine.extend(program.id, "cart", 60_000)


async def test_confirm_turns_held_into_paid_exactly_once(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([4])
    g = program.group_ids[0]
    await engine.hold(program.id, "cart", {g: 2}, TTL, LIFE)
    assert await engine.confirm(program.id, "cart") is ConfirmOutcome.CONFIRMED
    assert await engine.confirm(program.id, "cart") is ConfirmOutcome.ALREADY_CONFIRMED
    places = (await engine.places(program.id, [g])).groups[g]
    assert (places.paid, places.held, places.places_left) == (2, 0, 2)
    with pytest.raises(HoldAlreadyPaid):
        await engine.hold(program.id, "cart", {g: 1}, TTL, LIFE)


async def test_confirm_after_expiry_answers_expired_and_never_oversells(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([1])
    g = program.group_ids[0]
    await engine.hold(program.id, "late", {g: 1}, 30, 30)
    await asyncio.sleep(0.06)
    await engine.hold(program.id, "on-time", {g: 1}, TTL, LIFE)
    with pytest.raises(HoldExpired):
        await engine.confirm(program.id, "late")
    assert await engine.confirm(program.id, "on-time") is ConfirmOutcome.CONFIRMED
    places = (await engine.places(program.id, [g])).groups[g]
    assert (places.capacity, places.paid, places.held) == (1, 1, 0)


async def test_a_hold_frees_its_place_at_its_expiry_instant(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([1])
    g = program.group_ids[0]
    granted = await engine.hold(program.id, "cart", {g: 1}, 150, 150)
    while True:
        reading = await engine.places(program.id, [g])
        expected_left = 0 if reading.now_ms < granted.expires_at_ms else 1
        assert reading.groups[g].places_left == expected_left
        if expected_left:
            break
        await asyncio.sleep(0.01)


async def test_places_of_many_programs_come_in_one_round_trip(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([10, 20])
    swim = await catalogue.program([8])
    await engine.hold(swim.id, "cart", {swim.group_ids[0]: 3}, TTL, LIFE)
    places = await engine.places_many({camp.id: camp.group_ids, swim.id: swim.group_ids})
    assert {g: p.places_left for g, p in places.items()} == {
        camp.group_ids[0]: 10,
        camp.group_ids[1]: 20,
        swim.group_ids[0]: 5,
    }


async def test_capacity_cannot_drop_below_paid_plus_held(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([10])
    g = program.group_ids[0]
    await engine.hold(program.id, "paid", {g: 2}, TTL, LIFE)
    await engine.confirm(program.id, "paid")
    await engine.hold(program.id, "held", {g: 3}, TTL, LIFE)
    with pytest.raises(CapacityBelowCommitted) as refused:
        await engine.set_capacity(program.id, g, 4)
    assert (refused.value.paid, refused.value.held) == (2, 3)
    await engine.set_capacity(program.id, g, 5)
    assert await left(engine, program.id, g) == 0


async def test_sweep_purges_expired_holds(
    engine: HoldEngine, catalogue: CatalogueFactory, redis: Redis
) -> None:
    program = await catalogue.program([10])
    g = program.group_ids[0]
    for n in range(4):
        await engine.hold(program.id, f"cart-{n}", {g: 1}, 20, 20)
    await asyncio.sleep(0.05)
    assert await engine.sweep(program.id) == 4
    assert await engine.sweep(program.id) == 0
    assert program.id in await engine.known_programs()


async def test_unknown_groups_and_bad_requests_are_refused(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([1])
    with pytest.raises(UnknownGroup):
        await engine.hold(program.id, "cart", {999_999: 1}, TTL, LIFE)
    with pytest.raises(InvalidHoldRequest):
        await engine.hold(program.id, "cart", {}, TTL, LIFE)
    with pytest.raises(InvalidHoldRequest):
        await engine.hold(program.id, "cart", {program.group_ids[0]: 0}, TTL, LIFE)
    with pytest.raises(InvalidHoldRequest):
        await engine.hold(program.id, "cart", {program.group_ids[0]: 1}, TTL, TTL - 1)


async def test_scripts_survive_a_script_cache_flush(
    engine: HoldEngine, catalogue: CatalogueFactory, redis: Redis
) -> None:
    program = await catalogue.program([2])
    await redis.script_flush()
    granted = await engine.hold(program.id, "cart", {program.group_ids[0]: 1}, TTL, LIFE)
    assert granted.expires_in_ms == TTL


async def test_inspect_tells_live_paid_and_absent_holds_apart(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([5, 5])
    g1, g2 = program.group_ids
    granted = await engine.hold(program.id, "cart", {g1: 2, g2: 1}, TTL, LIFE)
    view = await engine.inspect(program.id, "cart")
    assert view.status is HoldStatus.LIVE
    assert view.items == {g1: 2, g2: 1}
    assert view.expires_at_ms == granted.expires_at_ms
    assert view.latest_ms == granted.now_ms + LIFE
    await engine.confirm(program.id, "cart")
    assert (await engine.inspect(program.id, "cart")).status is HoldStatus.PAID
    assert (await engine.inspect(program.id, "other")).status is HoldStatus.ABSENT
