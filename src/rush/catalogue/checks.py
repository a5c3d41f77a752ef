"""The rules a catalogue entry must follow before it is saved, and the errors that name them.

Each error carries the `field` to point at on the form. The checks here need no database; the
ones that do (a parent exists, a daycare group is of the same sale) live with the writes.

The errors, their codes and HTTP statuses are drawn in the tree of `rush.errors`.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from rush.catalogue.fields import (
    PROGRAM_KINDS,
    ChildCapFields,
    GroupFields,
    ProgramFields,
    SaleFields,
    SeasonFields,
)
from rush.errors import RushError

__all__ = [
    "MAX_CENTS",
    "MAX_COUNT",
    "AgesOutOfOrder",
    "CatalogueInvalid",
    "CatalogueItemNotFound",
    "DatesOutOfOrder",
    "DaycareGroupInvalid",
    "NegativeAmount",
    "NotPositive",
    "check_child_cap",
    "check_group",
    "check_program",
    "check_sale",
    "check_season",
]

MAX_COUNT: Final = 100_000
"""Places, seconds and the like: far above any real group, far below Postgres' integer."""
MAX_CENTS: Final = 10_000_000
MAX_AGE: Final = 99
MAX_WEEK: Final = 53
_NAME_MAX: Final = 200
_TEXT_MAX: Final = 4000


class CatalogueInvalid(RushError):
    """A catalogue value is missing, too long or out of range; `field` names the input."""

    code = "catalogue_invalid"
    status = 422

    def __init__(self, field: str) -> None:
        super().__init__(f"{field}: {self.code}")
        self.field = field


class DatesOutOfOrder(CatalogueInvalid):
    code = "dates_out_of_order"
    status = 422


class AgesOutOfOrder(CatalogueInvalid):
    code = "ages_out_of_order"
    status = 422


class NegativeAmount(CatalogueInvalid):
    code = "negative_amount"
    status = 422


class NotPositive(CatalogueInvalid):
    code = "not_positive"
    status = 422


class DaycareGroupInvalid(CatalogueInvalid):
    """A daycare slot must go with another group of the same sale, so one cart holds both."""

    code = "daycare_group_invalid"
    status = 422


class CatalogueItemNotFound(RushError):
    code = "catalogue_not_found"
    status = 404

    def __init__(self, kind: str, item_id: int) -> None:
        super().__init__(f"no {kind} {item_id}")
        self.kind = kind
        self.item_id = item_id


def _name(field: str, value: str, limit: int = _NAME_MAX) -> None:
    if not value.strip() or len(value) > limit:
        raise CatalogueInvalid(field)


def _text(field: str, value: str) -> None:
    if len(value) > _TEXT_MAX:
        raise CatalogueInvalid(field)


def _in_order(field: str, start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and end < start:
        raise DatesOutOfOrder(field)


def _amount(field: str, value: int | None, limit: int) -> None:
    if value is None:
        return
    if value < 0:
        raise NegativeAmount(field)
    if value > limit:
        raise CatalogueInvalid(field)


def _positive(field: str, value: int | None) -> None:
    if value is None:
        return
    if value <= 0:
        raise NotPositive(field)
    if value > MAX_COUNT:
        raise CatalogueInvalid(field)


def check_season(fields: SeasonFields) -> None:
    _name("name_fr", fields.name_fr)
    _name("name_en", fields.name_en)
    _in_order("ends_on", fields.starts_on, fields.ends_on)


def check_sale(fields: SaleFields) -> None:
    _name("name_fr", fields.name_fr)
    _name("name_en", fields.name_en)
    for field, moment in (("opens_at", fields.opens_at), ("closes_at", fields.closes_at)):
        if moment is not None and moment.utcoffset() is None:
            raise CatalogueInvalid(field)  # a wall clock without a zone is no instant
    if fields.closes_at is not None and fields.closes_at <= fields.opens_at:
        raise DatesOutOfOrder("closes_at")
    _amount("two_instalments_min_cents", fields.two_instalments_min_cents, MAX_CENTS)
    if (fields.two_instalments_min_cents is None) != (fields.second_instalment_due_on is None):
        # Two instalments need both a threshold and a due date; one alone offers nothing.
        missing = (
            "second_instalment_due_on"
            if fields.second_instalment_due_on is None
            else "two_instalments_min_cents"
        )
        raise CatalogueInvalid(missing)


def check_program(fields: ProgramFields) -> None:
    if fields.kind not in PROGRAM_KINDS:
        raise CatalogueInvalid("kind")
    _name("name_fr", fields.name_fr)
    _name("name_en", fields.name_en)
    _text("description_fr", fields.description_fr)
    _text("description_en", fields.description_en)


def check_group(fields: GroupFields) -> None:
    _name("name_fr", fields.name_fr)
    _name("name_en", fields.name_en)
    _amount("capacity", fields.capacity, MAX_COUNT)
    _amount("price_cents", fields.price_cents, MAX_CENTS)
    _amount("age_min", fields.age_min, MAX_AGE)
    _amount("age_max", fields.age_max, MAX_AGE)
    ages = (fields.age_min, fields.age_max)
    if ages[0] is not None and ages[1] is not None and ages[0] > ages[1]:
        raise AgesOutOfOrder("age_max")
    _in_order("ends_on", fields.starts_on, fields.ends_on)
    _text("schedule_fr", fields.schedule_fr)
    _text("schedule_en", fields.schedule_en)
    if fields.week_number is not None and not 1 <= fields.week_number <= MAX_WEEK:
        raise CatalogueInvalid("week_number")


def check_child_cap(fields: ChildCapFields) -> None:
    _positive("max_places", fields.max_places)
    _positive("for_seconds", fields.for_seconds)
