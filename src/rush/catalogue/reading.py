"""The catalogue as families see it: groups on sale with their live places left.

In a rush every family reads the catalogue a few times, and after the sell-out thousands keep
trying full groups. `CatalogueReadings` serves the JSON catalogue from a reading at most half
a second old per process, and `refuse_sold_out` confirms a group that reading shows full with
one Redis read, before the cart's Postgres work; the hold script still decides every place.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable, Sequence

import asyncpg
import msgspec

from rush.db import query
from rush.engine.holds import HoldEngine
from rush.errors import PlacesShort
from rush.fresh_readings import FreshReadings

__all__ = [
    "CATALOGUE_MAX_AGE_S",
    "CatalogueGroup",
    "CatalogueReadings",
    "catalogue_groups",
    "refuse_sold_out",
]

CATALOGUE_MAX_AGE_S = 0.5
"""How stale the places a family sees may be; the hold itself always reads them live."""


class CatalogueGroup(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    program_id: int
    sale_id: int
    program_kind: str
    program_name_fr: str
    program_name_en: str
    program_description_fr: str
    program_description_en: str
    name_fr: str
    name_en: str
    capacity: int
    price_cents: int
    age_min: int | None
    age_max: int | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    schedule_fr: str
    schedule_en: str
    week_number: int | None
    daycare_for_group_id: int | None
    places_left: int
    paid: int
    held: int


async def catalogue_groups(
    pool: asyncpg.Pool,
    engine: HoldEngine,
    sale_id: int | None = None,
    program_id: int | None = None,
) -> list[CatalogueGroup]:
    """Groups from Postgres, places from the engine: one query and one Redis round trip."""
    rows = await pool.fetch(query("catalogue_groups"), sale_id, program_id)
    by_program: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_program[row["program_id"]].append(row["id"])
    places = await engine.places_many(by_program) if by_program else {}
    groups = []
    for row in rows:
        live = places[row["id"]]
        fields = dict(row.items())
        del fields["capacity"]  # the engine's capacity is the live one
        groups.append(
            CatalogueGroup(
                **fields,
                capacity=live.capacity,
                places_left=live.places_left,
                paid=live.paid,
                held=live.held,
            )
        )
    return groups


CatalogueKey = tuple[int | None, int | None]
"""(sale id, program id), either None for all."""


class CatalogueReadings(FreshReadings[CatalogueKey, list[CatalogueGroup]]):
    """`catalogue_groups` per (sale, program), read at most every `max_age_s` per process."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        engine: HoldEngine,
        max_age_s: float = CATALOGUE_MAX_AGE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        async def read(key: CatalogueKey) -> list[CatalogueGroup]:
            return await catalogue_groups(pool, engine, *key)

        super().__init__(read, max_age_s, clock=clock)


async def refuse_sold_out(
    engine: HoldEngine,
    catalogue: Sequence[CatalogueGroup],
    group_ids: Sequence[int],
    places_each: int,
) -> None:
    """Raise `PlacesShort` now if a group cannot take `places_each` new places, read live.

    Only groups the (slightly old) catalogue shows as too full are read again, so an add that
    fits costs nothing here: the hold script checks it anyway. The live read is exact: a
    family's own held places are already counted out of `places_left`, and new ones must fit
    in what is left. Groups the catalogue does not know are left to the full path.
    """
    programs: dict[int, list[int]] = defaultdict(list)
    shown = {g.id: g for g in catalogue}
    for group_id in dict.fromkeys(group_ids):
        group = shown.get(group_id)
        if group is not None and group.places_left < places_each:
            programs[group.program_id].append(group_id)
    for program_id, ids in programs.items():
        reading = await engine.places(program_id, ids)
        for group_id in ids:
            left = reading.groups[group_id].places_left
            if left < places_each:
                raise PlacesShort(group_id, left, reading.now_ms)
