"""Carts against real servers: eligibility first, then places held all or nothing."""

from __future__ import annotations

import asyncio
import datetime as dt

import asyncpg
import pytest

from rush.engine.holds import HoldEngine
from rush.errors import (
    AlreadyInCart,
    ChildCapReached,
    InvalidCartRequest,
    NotEligibleAge,
    PersonNotInFamily,
    PlacesShort,
    SaleNotOpen,
)
from rush.purchase.carts import Carts, HoldTimes
from tests.support.catalogue_factory import CatalogueFactory

SEVEN = dt.date(2020, 5, 1)  # 7 years old on 2027-09-30
NINE = dt.date(2018, 3, 1)


@pytest.fixture
def carts(pool: asyncpg.Pool, engine: HoldEngine) -> Carts:
    return Carts(pool, engine, HoldTimes(ttl_ms=60_000, max_lifetime_ms=120_000))


async def held(engine: HoldEngine, program_id: int, groups: list[int]) -> list[int]:
    reading = await engine.places(program_id, groups)
    return [reading.groups[g].held for g in groups]


async def test_two_siblings_take_the_same_camp_weeks_with_daycare_together(
    carts: Carts, catalogue: CatalogueFactory, engine: HoldEngine
) -> None:
    camp = await catalogue.program([10, 10, 10], 9500, ages=(5, 12), daycare_capacities=[4, 4])
    family = await catalogue.family([SEVEN, NINE])
    weeks = [camp.group_ids[0], camp.group_ids[1], *camp.daycare_ids]

    cart = await carts.add(
        family.id, camp.sale_id, family.child_ids, weeks, {"tshirt_size": "6-8"}, live=True
    )

    assert len(cart.lines) == 8
    assert cart.total_cents == 2 * (2 * 9500 + 2 * 300)
    assert await held(engine, camp.id, weeks) == [2, 2, 2, 2]
    assert cart.expires_in_ms is not None
    assert 0 < cart.expires_in_ms <= 60_000
    assert {line.options["tshirt_size"] for line in cart.lines} == {"6-8"}


async def test_a_full_daycare_week_means_nothing_is_added(
    carts: Carts, catalogue: CatalogueFactory, engine: HoldEngine
) -> None:
    camp = await catalogue.program([10], ages=(5, 12), daycare_capacities=[1])
    family = await catalogue.family([SEVEN, NINE])
    groups = [camp.group_ids[0], camp.daycare_ids[0]]

    with pytest.raises(PlacesShort) as short:
        await carts.add(family.id, camp.sale_id, family.child_ids, groups, live=True)

    assert short.value.group_id == camp.daycare_ids[0]
    assert await held(engine, camp.id, groups) == [0, 0]
    assert (await carts.view(family.id, camp.sale_id)).lines == []


async def test_a_child_outside_the_age_range_is_refused(
    carts: Carts, catalogue: CatalogueFactory
) -> None:
    swim = await catalogue.program([8], ages=(3, 5))
    family = await catalogue.family([SEVEN])
    with pytest.raises(NotEligibleAge):
        await carts.add(family.id, swim.sale_id, family.child_ids, swim.group_ids, live=True)


async def test_the_same_child_cannot_be_in_a_group_twice(
    carts: Carts, catalogue: CatalogueFactory, engine: HoldEngine
) -> None:
    camp = await catalogue.program([10])
    family = await catalogue.family([SEVEN])
    await carts.add(family.id, camp.sale_id, family.child_ids, camp.group_ids, live=True)
    with pytest.raises(AlreadyInCart):
        await carts.add(family.id, camp.sale_id, family.child_ids, camp.group_ids, live=True)
    assert await held(engine, camp.id, camp.group_ids) == [1]


async def test_two_tabs_adding_the_same_child_hold_one_place(
    carts: Carts, catalogue: CatalogueFactory, engine: HoldEngine
) -> None:
    camp = await catalogue.program([10])
    family = await catalogue.family([SEVEN])
    results = await asyncio.gather(
        *(
            carts.add(family.id, camp.sale_id, family.child_ids, camp.group_ids, live=True)
            for _ in range(2)
        ),
        return_exceptions=True,
    )
    assert sum(isinstance(r, AlreadyInCart) for r in results) == 1
    assert await held(engine, camp.id, camp.group_ids) == [1]


async def test_a_per_child_cap_limits_camp_weeks_but_not_daycare(
    carts: Carts, catalogue: CatalogueFactory, pool: asyncpg.Pool
) -> None:
    camp = await catalogue.program([10, 10, 10], daycare_capacities=[5, 5])
    await pool.execute(
        "INSERT INTO sale_child_cap (sale_id, program_id, max_places, for_seconds)"
        " VALUES ($1, $2, 2, 3600)",
        camp.sale_id,
        camp.id,
    )
    family = await catalogue.family([SEVEN])
    weeks = camp.group_ids[:2] + camp.daycare_ids
    await carts.add(family.id, camp.sale_id, family.child_ids, weeks, live=True)
    with pytest.raises(ChildCapReached) as capped:
        await carts.add(family.id, camp.sale_id, family.child_ids, camp.group_ids[2:], live=True)
    assert capped.value.max_places == 2


async def test_removing_an_item_gives_its_place_back(
    carts: Carts, catalogue: CatalogueFactory, engine: HoldEngine
) -> None:
    camp = await catalogue.program([10, 10])
    family = await catalogue.family([SEVEN])
    cart = await carts.add(family.id, camp.sale_id, family.child_ids, camp.group_ids, live=True)
    first = next(line for line in cart.lines if line.group_id == camp.group_ids[0])

    cart = await carts.remove(family.id, camp.sale_id, [first.item_id])

    assert [line.group_id for line in cart.lines] == [camp.group_ids[1]]
    assert await held(engine, camp.id, camp.group_ids) == [0, 1]
    with pytest.raises(InvalidCartRequest):
        await carts.remove(family.id, camp.sale_id, [first.item_id])


async def test_a_draft_cart_holds_nothing_until_admission(
    carts: Carts, catalogue: CatalogueFactory, engine: HoldEngine
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    camp = await catalogue.program([10], sale_id=sale_id)
    swim = await catalogue.program([5], sale_id=sale_id)
    family = await catalogue.family([SEVEN])
    await carts.add(family.id, sale_id, family.child_ids, camp.group_ids, live=False)
    draft = await carts.add(family.id, sale_id, family.child_ids, swim.group_ids, live=False)
    assert {h.status for h in draft.holds} == {"draft"}
    assert draft.expires_in_ms is None
    with pytest.raises(SaleNotOpen):
        await carts.hold_cart(family.id, sale_id)

    await catalogue.pool.execute("UPDATE sale SET status = 'open' WHERE id = $1", sale_id)
    cart = await carts.hold_cart(family.id, sale_id)

    assert {h.status for h in cart.holds} == {"live"}
    assert await held(engine, camp.id, camp.group_ids) == [1]
    assert await held(engine, swim.id, swim.group_ids) == [1]


async def test_holding_a_cart_gives_back_what_it_took_when_a_program_is_short(
    carts: Carts, catalogue: CatalogueFactory, engine: HoldEngine
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    camp = await catalogue.program([10], sale_id=sale_id)
    swim = await catalogue.program([1], sale_id=sale_id)
    family = await catalogue.family([SEVEN])
    await carts.add(family.id, sale_id, family.child_ids, camp.group_ids, live=False)
    await carts.add(family.id, sale_id, family.child_ids, swim.group_ids, live=False)
    await catalogue.pool.execute("UPDATE sale SET status = 'open' WHERE id = $1", sale_id)
    await engine.hold(swim.id, "someone-else", {swim.group_ids[0]: 1}, 60_000, 60_000)

    with pytest.raises(PlacesShort):
        await carts.hold_cart(family.id, sale_id)

    assert await held(engine, camp.id, camp.group_ids) == [0]


async def test_another_familys_child_cannot_be_added(
    carts: Carts, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([10])
    mine = await catalogue.family([SEVEN])
    theirs = await catalogue.family([NINE])
    with pytest.raises(PersonNotInFamily):
        await carts.add(mine.id, camp.sale_id, theirs.child_ids, camp.group_ids, live=True)


async def test_groups_of_another_sale_or_unknown_options_are_refused(
    carts: Carts, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([10])
    other = await catalogue.program([10])
    family = await catalogue.family([SEVEN])
    with pytest.raises(InvalidCartRequest):
        await carts.add(family.id, camp.sale_id, family.child_ids, other.group_ids, live=True)
    with pytest.raises(InvalidCartRequest):
        await carts.add(
            family.id, camp.sale_id, family.child_ids, camp.group_ids, {"colour": "red"}, live=True
        )


async def test_an_expired_cart_says_its_places_were_lost(
    pool: asyncpg.Pool, engine: HoldEngine, catalogue: CatalogueFactory
) -> None:
    quick = Carts(pool, engine, HoldTimes(ttl_ms=50, max_lifetime_ms=50))
    camp = await catalogue.program([1])
    family = await catalogue.family([SEVEN])
    await quick.add(family.id, camp.sale_id, family.child_ids, camp.group_ids, live=True)
    await asyncio.sleep(0.08)

    cart = await quick.view(family.id, camp.sale_id)

    assert [h.status for h in cart.holds] == ["expired"]
    assert cart.expires_in_ms is None
    assert (await engine.places(camp.id, camp.group_ids)).groups[camp.group_ids[0]].places_left == 1
