"""Who may take which place, checked before anything is held.

Age on the season's reference date within the group's range; no second place for a person
in a group (paid or in the cart); the sale's per-child caps (daycare add-ons not counted).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rush.errors import (
    AlreadyInCart,
    AlreadyRegistered,
    ChildCapReached,
    NotEligibleAge,
)

__all__ = ["CapRule", "GroupRules", "PersonFacts", "age_on", "check_eligibility"]


@dataclass(frozen=True, slots=True)
class GroupRules:
    group_id: int
    program_id: int
    price_cents: int
    age_min: int | None
    age_max: int | None
    is_daycare: bool
    age_reference_date: dt.date


@dataclass(frozen=True, slots=True)
class PersonFacts:
    person_id: int
    birth_date: dt.date | None
    places_by_program: Mapping[int, int]
    """Places already taken in this sale (paid or in the cart), daycare excepted."""


@dataclass(frozen=True, slots=True)
class CapRule:
    program_id: int | None
    """None: the cap counts places across the whole sale."""
    max_places: int


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Age in full years on `day`, as municipal programs state ages."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def check_eligibility(
    persons: Iterable[PersonFacts],
    groups: Iterable[GroupRules],
    registered: set[tuple[int, int]],
    in_cart: set[tuple[int, int]],
    caps: Iterable[CapRule],
) -> None:
    """Raise the first reason a (person, group) pair cannot be taken; silent when all can."""
    groups = list(groups)
    caps = list(caps)
    for person in persons:
        for group in groups:
            pair = (person.person_id, group.group_id)
            if pair in registered:
                raise AlreadyRegistered(*pair)
            if pair in in_cart:
                raise AlreadyInCart(*pair)
            if not _age_fits(person.birth_date, group):
                raise NotEligibleAge(*pair)
        _check_caps(person, groups, caps)


def _age_fits(birth_date: dt.date | None, group: GroupRules) -> bool:
    if group.age_min is None and group.age_max is None:
        return True
    if birth_date is None:
        return False
    age = age_on(birth_date, group.age_reference_date)
    low = group.age_min if group.age_min is not None else 0
    high = group.age_max if group.age_max is not None else 200
    return low <= age <= high


def _check_caps(person: PersonFacts, groups: list[GroupRules], caps: list[CapRule]) -> None:
    asked = Counter(g.program_id for g in groups if not g.is_daycare)
    for cap in caps:
        if cap.program_id is None:
            total = sum(person.places_by_program.values()) + sum(asked.values())
        else:
            total = person.places_by_program.get(cap.program_id, 0) + asked[cap.program_id]
        if total > cap.max_places:
            raise ChildCapReached(person.person_id, cap.max_places)
