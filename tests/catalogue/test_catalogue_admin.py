"""Staff build a catalogue: every entry checked before it is saved, groups live in the engine
at once, capacities changed only with the engine, every change in the staff log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import pytest
from msgspec.structs import replace

from rush.catalogue.admin import create_program, create_sale, create_season, update_sale
from rush.catalogue.caps_admin import create_child_cap, delete_child_cap, update_child_cap
from rush.catalogue.checks import (
    AgesOutOfOrder,
    CatalogueInvalid,
    DatesOutOfOrder,
    DaycareGroupInvalid,
    NegativeAmount,
    NotPositive,
)
from rush.catalogue.fields import (
    ChildCapFields,
    GroupFields,
    ProgramFields,
    SaleFields,
    SeasonFields,
)
from rush.catalogue.group_admin import create_group, update_group
from rush.catalogue.reading import catalogue_groups
from rush.errors import CapacityBelowCommitted, RushError
from rush.families.accounts import create_staff_account
from rush.i18n import TIME_ZONE
from rush.room.self_pacer import self_pacing_config
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory, TestProgram

SUMMER = SeasonFields(
    name_fr="Été 2027",
    name_en="Summer 2027",
    starts_on=dt.date(2027, 6, 21),
    ends_on=dt.date(2027, 8, 13),
    age_reference_date=dt.date(2027, 9, 30),
)
OPENS = dt.datetime(2027, 3, 1, 9, 0, tzinfo=TIME_ZONE)


def _group(program_id: int, **changes: Any) -> GroupFields:
    fields = GroupFields(
        program_id=program_id,
        name_fr="Semaine 1",
        name_en="Week 1",
        capacity=5,
        price_cents=9500,
        age_min=5,
        age_max=12,
        starts_on=dt.date(2027, 6, 21),
        ends_on=dt.date(2027, 6, 25),
        week_number=1,
    )
    return replace(fields, **changes)


async def _staff(pool: asyncpg.Pool) -> int:
    admin = await create_staff_account(
        pool, email="admin@ville.qc.ca", password="staff password 1", role="admin"
    )
    return admin.id


async def _program(services: Services, staff_id: int) -> tuple[int, int]:
    """A season, a sale and a day camp program built the way staff build them."""
    season = await create_season(services.pool, staff_id, SUMMER)
    sale = await create_sale(
        services.pool,
        services.room,
        staff_id,
        SaleFields(season_id=season.id, name_fr="Été", name_en="Summer", opens_at=OPENS),
    )
    program = await create_program(
        services.pool,
        staff_id,
        ProgramFields(sale_id=sale.id, kind="day_camp", name_fr="Camp", name_en="Camp"),
    )
    return sale.id, program.id


async def _actions(pool: asyncpg.Pool) -> list[str]:
    return [r["action"] for r in await pool.fetch("SELECT action FROM staff_action ORDER BY id")]


async def test_a_group_created_by_staff_is_bookable_at_once_with_its_capacity(
    services: Services,
) -> None:
    staff_id = await _staff(services.pool)
    sale_id, program_id = await _program(services, staff_id)

    group = await create_group(services.pool, services.engine, staff_id, _group(program_id))

    await services.engine.hold(program_id, "cart:1", {group.id: 2}, 60_000, 60_000)
    places = (await services.engine.places(program_id, [group.id])).groups[group.id]
    assert (places.capacity, places.held, places.places_left) == (5, 2, 3)
    listed = await catalogue_groups(services.pool, services.engine, sale_id=sale_id)
    assert [(g.id, g.places_left) for g in listed] == [(group.id, 3)]
    assert await _actions(services.pool) == [
        "season_create",
        "sale_create",
        "program_create",
        "group_create",
    ]
    assert (await services.room.stats(sale_id)).status == "scheduled"


async def test_a_new_group_keeps_the_live_holds_of_its_program(services: Services) -> None:
    staff_id = await _staff(services.pool)
    _, program_id = await _program(services, staff_id)
    first = await create_group(services.pool, services.engine, staff_id, _group(program_id))
    await services.engine.hold(program_id, "cart:1", {first.id: 4}, 60_000, 60_000)

    second = await create_group(
        services.pool, services.engine, staff_id, _group(program_id, name_fr="Semaine 2")
    )

    reading = await services.engine.places(program_id, [first.id, second.id])
    assert reading.groups[first.id].held == 4
    assert reading.groups[second.id].places_left == 5


async def test_a_capacity_below_the_paid_places_is_refused_and_nothing_changes(
    services: Services, catalogue: CatalogueFactory
) -> None:
    staff_id = await _staff(services.pool)
    sale_id, program_id = await _program(services, staff_id)
    group = await create_group(services.pool, services.engine, staff_id, _group(program_id))
    await services.engine.hold(program_id, "paid", {group.id: 3}, 60_000, 60_000)
    await catalogue.record_paid_hold(
        TestProgram(program_id, sale_id, [group.id], []), "paid", {group.id: 3}
    )
    await services.engine.confirm(program_id, "paid")
    logged_before = await _actions(services.pool)

    with pytest.raises(CapacityBelowCommitted):
        await update_group(
            services.pool,
            services.engine,
            staff_id,
            group.id,
            _group(program_id, capacity=2, name_fr="Renommé"),
        )

    row = await services.pool.fetchrow(
        "SELECT capacity, name_fr FROM activity_group WHERE id = $1", group.id
    )
    assert row is not None
    assert (row["capacity"], row["name_fr"]) == (5, "Semaine 1")
    assert (await services.engine.places(program_id, [group.id])).groups[group.id].capacity == 5
    assert await _actions(services.pool) == logged_before


async def test_a_new_capacity_reaches_the_engine_and_postgres_together(
    services: Services,
) -> None:
    staff_id = await _staff(services.pool)
    _, program_id = await _program(services, staff_id)
    group = await create_group(services.pool, services.engine, staff_id, _group(program_id))

    saved = await update_group(
        services.pool, services.engine, staff_id, group.id, _group(program_id, capacity=9)
    )

    assert saved.capacity == 9
    assert (await services.engine.places(program_id, [group.id])).groups[group.id].capacity == 9
    details = await services.pool.fetchval(
        "SELECT details::text FROM staff_action WHERE action = 'group_update'"
    )
    assert '"capacity_before":5' in details.replace(" ", "")


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"age_min": 10, "age_max": 6}, AgesOutOfOrder, "age_max"),
        ({"capacity": -1}, NegativeAmount, "capacity"),
        ({"price_cents": -100}, NegativeAmount, "price_cents"),
        ({"ends_on": dt.date(2027, 6, 1)}, DatesOutOfOrder, "ends_on"),
        ({"name_fr": "  "}, CatalogueInvalid, "name_fr"),
        ({"week_number": 0}, CatalogueInvalid, "week_number"),
    ],
)
async def test_a_refused_group_is_not_saved_and_names_its_field(
    services: Services, changes: dict[str, Any], error: type[CatalogueInvalid], field: str
) -> None:
    staff_id = await _staff(services.pool)
    _, program_id = await _program(services, staff_id)

    with pytest.raises(error) as refused:
        await create_group(services.pool, services.engine, staff_id, _group(program_id, **changes))

    assert refused.value.field == field
    assert await services.pool.fetchval("SELECT count(*) FROM activity_group") == 0


async def test_a_daycare_slot_goes_only_with_an_ordinary_group_of_the_same_sale(
    services: Services,
) -> None:
    staff_id = await _staff(services.pool)
    _, program_id = await _program(services, staff_id)
    _, other_program_id = await _program(services, staff_id)
    week = await create_group(services.pool, services.engine, staff_id, _group(program_id))
    elsewhere = await create_group(
        services.pool, services.engine, staff_id, _group(other_program_id)
    )

    daycare = await create_group(
        services.pool,
        services.engine,
        staff_id,
        _group(program_id, name_fr="Garde 1", daycare_for_group_id=week.id),
    )
    with pytest.raises(DaycareGroupInvalid):
        await create_group(
            services.pool,
            services.engine,
            staff_id,
            _group(program_id, name_fr="Garde 2", daycare_for_group_id=elsewhere.id),
        )
    with pytest.raises(DaycareGroupInvalid):
        await update_group(
            services.pool,
            services.engine,
            staff_id,
            daycare.id,
            _group(program_id, daycare_for_group_id=daycare.id),
        )

    assert daycare.daycare_for_group_id == week.id
    assert await services.pool.fetchval("SELECT count(*) FROM activity_group") == 3


async def test_seasons_and_sales_refuse_an_end_before_their_start(services: Services) -> None:
    staff_id = await _staff(services.pool)
    with pytest.raises(DatesOutOfOrder):
        await create_season(services.pool, staff_id, replace(SUMMER, ends_on=dt.date(2027, 1, 1)))
    season = await create_season(services.pool, staff_id, SUMMER)
    sale = SaleFields(season_id=season.id, name_fr="Été", name_en="Summer", opens_at=OPENS)
    with pytest.raises(DatesOutOfOrder):
        await create_sale(
            services.pool,
            services.room,
            staff_id,
            replace(sale, closes_at=OPENS - dt.timedelta(hours=1)),
        )
    with pytest.raises(CatalogueInvalid) as half_instalments:
        await create_sale(
            services.pool,
            services.room,
            staff_id,
            replace(sale, two_instalments_min_cents=20000),
        )

    assert half_instalments.value.field == "second_instalment_due_on"
    assert await services.pool.fetchval("SELECT count(*) FROM sale") == 0


async def test_a_rescheduled_sale_moves_its_waiting_room_opening(services: Services) -> None:
    staff_id = await _staff(services.pool)
    sale_id, _ = await _program(services, staff_id)
    later = OPENS + dt.timedelta(days=1)
    season_id = await services.pool.fetchval("SELECT season_id FROM sale WHERE id = $1", sale_id)

    await update_sale(
        services.pool,
        services.room,
        staff_id,
        sale_id,
        SaleFields(season_id=season_id, name_fr="Été", name_en="Summer", opens_at=later),
    )

    standing = await services.room.standing(sale_id, 1, join=False)
    assert standing.opens_ms == int(later.timestamp() * 1000)
    assert await services.pool.fetchval("SELECT opens_at FROM sale") == later


async def test_a_sale_staff_create_paces_itself_from_the_start(services: Services) -> None:
    staff_id = await _staff(services.pool)

    sale_id, _ = await _program(services, staff_id)

    assert (await self_pacing_config(services.pool, sale_id)).enabled


async def test_child_caps_are_checked_and_every_change_logged(services: Services) -> None:
    staff_id = await _staff(services.pool)
    sale_id, program_id = await _program(services, staff_id)
    _, other_program_id = await _program(services, staff_id)

    cap = await create_child_cap(
        services.pool,
        staff_id,
        ChildCapFields(sale_id=sale_id, program_id=program_id, max_places=6, for_seconds=3600),
    )
    refusals: list[RushError] = []
    for fields in (
        ChildCapFields(sale_id=sale_id, program_id=other_program_id, max_places=6),
        ChildCapFields(sale_id=sale_id, max_places=0),
    ):
        with pytest.raises(CatalogueInvalid) as refused:
            await update_child_cap(services.pool, staff_id, cap.id, fields)
        refusals.append(refused.value)
    changed = await update_child_cap(
        services.pool, staff_id, cap.id, ChildCapFields(sale_id=sale_id, max_places=4)
    )
    await delete_child_cap(services.pool, staff_id, cap.id)

    assert [type(e) for e in refusals] == [CatalogueInvalid, NotPositive]
    assert (changed.program_id, changed.max_places, changed.for_seconds) == (None, 4, None)
    assert await services.pool.fetchval("SELECT count(*) FROM sale_child_cap") == 0
    assert (await _actions(services.pool))[-3:] == [
        "child_cap_create",
        "child_cap_update",
        "child_cap_delete",
    ]
