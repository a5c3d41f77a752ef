"""The catalogue as families see it: groups on sale with their live places left."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import asyncpg
import msgspec

from rush.db import query
from rush.holds import HoldEngine

__all__ = ["CatalogueGroup", "catalogue_groups"]


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
