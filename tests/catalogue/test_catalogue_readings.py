"""The catalogue a process serves from a half-second reading, and full groups refused from one
Redis read before any cart work, against real Redis and Postgres."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rush.catalogue.reading import CatalogueReadings, refuse_sold_out
from rush.errors import PlacesShort
from rush.fresh_readings import FreshReadings
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


async def test_the_catalogue_is_read_once_per_half_second_whatever_the_requests(
    services: Services, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([3])
    clock = Clock()
    readings = CatalogueReadings(services.pool, services.engine, clock=clock)
    key = (camp.sale_id, None)

    first = await asyncio.gather(*(readings.get(key) for _ in range(100)))
    await services.engine.hold(camp.id, "cart:x", {camp.group_ids[0]: 1}, 60_000, 60_000)
    clock.now += 0.4
    shown = await readings.get(key)
    clock.now += 0.2
    fresh = await readings.get(key)

    assert len({id(r) for r in first}) == 1
    assert shown[0].places_left == 3
    assert fresh[0].places_left == 2


async def test_keys_from_requests_never_pile_up() -> None:
    reads: list[int] = []

    async def read(key: int) -> int:
        reads.append(key)
        return key * 2

    readings: FreshReadings[int, int] = FreshReadings(read, 10.0, max_keys=4, clock=Clock())
    assert [await readings.get(k) for k in range(10)] == [k * 2 for k in range(10)]
    await readings.get(9)  # kept: read last
    await readings.get(0)  # dropped when the fifth key came: read again
    assert reads == [*range(10), 0]


async def test_a_full_group_is_refused_before_any_cart_is_touched(
    services: Services, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([1, 2])
    full, open_group = camp.group_ids
    await services.engine.hold(camp.id, "cart:other", {full: 1}, 60_000, 60_000)
    listing = await CatalogueReadings(services.pool, services.engine).get((camp.sale_id, None))

    with pytest.raises(PlacesShort) as refused:
        await refuse_sold_out(services.engine, listing, [open_group, full], 1)
    await refuse_sold_out(services.engine, listing, [open_group], 2)
    with pytest.raises(PlacesShort):
        await refuse_sold_out(services.engine, listing, [open_group], 3)
    await refuse_sold_out(services.engine, listing, [999_999], 1)  # unknown: the full path says

    assert (refused.value.group_id, refused.value.places_left) == (full, 0)
    assert refused.value.as_of_ms > 0


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    capacity=st.integers(0, 4),
    held=st.integers(0, 4),
    asked=st.integers(1, 4),
)
async def test_the_early_refusal_agrees_with_the_hold_script(
    services: Services, catalogue: CatalogueFactory, capacity: int, held: int, asked: int
) -> None:
    """Refused early exactly when the hold script would refuse the same places."""
    camp = await catalogue.program([capacity])
    group = camp.group_ids[0]
    if 0 < held <= capacity:
        await services.engine.hold(camp.id, "cart:before", {group: held}, 60_000, 60_000)
    listing = await CatalogueReadings(services.pool, services.engine).get((camp.sale_id, None))

    try:
        await refuse_sold_out(services.engine, listing, [group], asked)
        early_refusal = False
    except PlacesShort:
        early_refusal = True
    try:
        await services.engine.hold(camp.id, "cart:now", {group: asked}, 60_000, 60_000)
        script_refusal = False
    except PlacesShort:
        script_refusal = True

    assert early_refusal == script_refusal
