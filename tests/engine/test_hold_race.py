"""Hundreds of clients fight for the last places: exactly the free number win."""

from __future__ import annotations

import asyncio

from rush.engine.holds import HoldEngine
from rush.errors import PlacesShort
from tests.support.catalogue_factory import CatalogueFactory


async def _try_hold(
    engine: HoldEngine, program_id: int, hold_id: str, items: dict[int, int]
) -> bool:
    try:
        await engine.hold(program_id, hold_id, items, 60_000, 120_000)
    except PlacesShort:
        return False
    return True


async def test_three_hundred_clients_for_the_last_forty_places(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([100])
    g = program.group_ids[0]
    await engine.hold(program.id, "early-birds", {g: 60}, 60_000, 120_000)
    results = await asyncio.gather(
        *(_try_hold(engine, program.id, f"family-{n}", {g: 1}) for n in range(300))
    )
    assert sum(results) == 40
    places = (await engine.places(program.id, [g])).groups[g]
    assert (places.held, places.places_left) == (100, 0)


async def test_racing_siblings_and_weeks_never_split_a_family(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([21, 21, 21])
    asks = [dict.fromkeys(program.group_ids, 2) for _ in range(200)]
    results = await asyncio.gather(
        *(_try_hold(engine, program.id, f"family-{n}", ask) for n, ask in enumerate(asks))
    )
    assert sum(results) == 10
    reading = await engine.places(program.id, program.group_ids)
    assert [p.held for p in reading.groups.values()] == [20, 20, 20]


async def test_racing_confirms_never_pass_capacity(
    engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    program = await catalogue.program([25])
    g = program.group_ids[0]

    async def hold_then_confirm(n: int) -> bool:
        if not await _try_hold(engine, program.id, f"f{n}", {g: 1}):
            return False
        await engine.confirm(program.id, f"f{n}")
        return True

    results = await asyncio.gather(*(hold_then_confirm(n) for n in range(250)))
    assert sum(results) == 25
    places = (await engine.places(program.id, [g])).groups[g]
    assert (places.paid, places.held) == (25, 0)
