"""What staff write into the catalogue, and the rows they read back to edit it.

`*Fields` structs carry what a form sets; the struct of the same name without the suffix adds
what the database decides (ids, status, paid places). A parent (a sale's season, a program's
sale, a group's program) is set at creation and never moved: moving a group to another program
would strand its places in the hold engine, which keeps them per program.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import msgspec

__all__ = [
    "PROGRAM_KINDS",
    "SALE_STATUSES",
    "ChildCap",
    "ChildCapFields",
    "Group",
    "GroupFields",
    "Program",
    "ProgramFields",
    "Sale",
    "SaleFields",
    "Season",
    "SeasonFields",
]

PROGRAM_KINDS: Final = ("day_camp", "daycare", "swimming", "sport", "free_activity", "other")
SALE_STATUSES: Final = ("scheduled", "open", "paused", "closed")


class SeasonFields(msgspec.Struct, frozen=True, kw_only=True):
    name_fr: str
    name_en: str
    starts_on: dt.date
    ends_on: dt.date
    age_reference_date: dt.date
    """Children's ages are computed on this date, as the municipal guide announces them."""


class Season(SeasonFields, frozen=True, kw_only=True):
    id: int


class SaleFields(msgspec.Struct, frozen=True, kw_only=True):
    season_id: int
    name_fr: str
    name_en: str
    opens_at: dt.datetime
    closes_at: dt.datetime | None = None
    two_instalments_min_cents: int | None = None
    second_instalment_due_on: dt.date | None = None


class Sale(SaleFields, frozen=True, kw_only=True):
    id: int
    status: str


class ProgramFields(msgspec.Struct, frozen=True, kw_only=True):
    sale_id: int
    kind: str
    name_fr: str
    name_en: str
    description_fr: str = ""
    description_en: str = ""
    childcare_eligible: bool = False


class Program(ProgramFields, frozen=True, kw_only=True):
    id: int
    season_id: int


class GroupFields(msgspec.Struct, frozen=True, kw_only=True):
    program_id: int
    name_fr: str
    name_en: str
    capacity: int
    price_cents: int
    age_min: int | None = None
    age_max: int | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    schedule_fr: str = ""
    schedule_en: str = ""
    week_number: int | None = None
    daycare_for_group_id: int | None = None
    """The camp group this daycare slot goes with; None for an ordinary group."""


class Group(GroupFields, frozen=True, kw_only=True):
    id: int
    sale_id: int
    paid_count: int


class ChildCapFields(msgspec.Struct, frozen=True, kw_only=True):
    sale_id: int
    max_places: int
    program_id: int | None = None
    """None: the cap counts places in every program of the sale."""
    for_seconds: int | None = None
    """None: the cap holds for the whole sale; otherwise only this long after opening."""


class ChildCap(ChildCapFields, frozen=True, kw_only=True):
    id: int
