"""Who may take which place: one rule for the cart, the waitlist and staff alike.

A place is open to a person when: the family is approved; the sale is in a status that takes
that kind of request (a draft before opening, a hold while open, a waitlist once open); the
person belongs to the family and is of age on the season's reference date; the person has no
place in that group yet (paid or in the cart); the sale's per-child caps allow one more; and a
linked group (a daycare slot) goes with its camp week for the same child, asked together, in
the cart or already registered. `require_eligible` reads those facts from Postgres once and
`check_eligibility` decides, so every door gives the same answer.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from rush.db import Executor, query
from rush.errors import (
    AlreadyInCart,
    AlreadyRegistered,
    ChildCapReached,
    DaycareNeedsWeek,
    InvalidCartRequest,
    NotEligibleAge,
    SaleNotOpen,
)
from rush.families.accounts import family_person, require_approved_family

__all__ = [
    "CapRule",
    "GroupRules",
    "PersonFacts",
    "Purpose",
    "age_on",
    "allowances",
    "check_eligibility",
    "check_sale_status",
    "require_eligible",
]


class Purpose(enum.Enum):
    """What a family asks for, which decides the sale statuses that allow it."""

    DRAFT = frozenset({"scheduled", "open", "paused"})
    """Prepare the cart: before opening, or while the family waits its turn."""
    HOLD = frozenset({"open"})
    """Hold places: only while the sale is open."""
    WAITLIST = frozenset({"open", "paused", "closed"})
    """Wait for a full group's freed place: once the sale has opened, and after it closes."""


@dataclass(frozen=True, slots=True)
class GroupRules:
    group_id: int
    program_id: int
    price_cents: int
    age_min: int | None
    age_max: int | None
    week_group_id: int | None
    """The camp week a daycare slot belongs to; None for any other group."""
    age_reference_date: dt.date

    @property
    def is_daycare(self) -> bool:
        return self.week_group_id is not None


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


def check_sale_status(sale_id: int, status: str | None, purpose: Purpose) -> None:
    if status is None:
        raise InvalidCartRequest("no such sale")
    if status not in purpose.value:
        raise SaleNotOpen(sale_id, status)


def check_eligibility(
    persons: Iterable[PersonFacts],
    groups: Iterable[GroupRules],
    registered: AbstractSet[tuple[int, int]],
    in_cart: AbstractSet[tuple[int, int]],
    caps: Iterable[CapRule],
) -> None:
    """Raise the first reason a (person, group) pair cannot be taken; silent when all can."""
    groups = list(groups)
    caps = list(caps)
    asked_groups = {g.group_id for g in groups}
    for person in persons:
        for group in groups:
            pair = (person.person_id, group.group_id)
            if pair in registered:
                raise AlreadyRegistered(*pair)
            if pair in in_cart:
                raise AlreadyInCart(*pair)
            if not _age_fits(person.birth_date, group):
                raise NotEligibleAge(*pair)
            if group.week_group_id is not None:
                week = (person.person_id, group.week_group_id)
                has_week = group.week_group_id in asked_groups
                if not (has_week or week in in_cart or week in registered):
                    raise DaycareNeedsWeek(*pair)
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


async def require_eligible(
    conn: Executor,
    family_id: int,
    sale_id: int,
    person_ids: Sequence[int],
    group_ids: Sequence[int],
    purpose: Purpose,
    in_cart: AbstractSet[tuple[int, int]] = frozenset(),
) -> dict[int, GroupRules]:
    """Read what the rule needs and apply it; returns the groups' rules, keyed by id.

    `in_cart` is the family's open cart as (person, group) pairs, read by the caller under its
    cart lock (the cart is the caller's to read; the waitlist has none).
    """
    check_sale_status(sale_id, await conn.fetchval(query("sale_status"), sale_id), purpose)
    await require_approved_family(conn, family_id)
    groups = await _group_rules(conn, sale_id, group_ids)
    persons = [await family_person(conn, family_id, p) for p in dict.fromkeys(person_ids)]
    facts = [
        PersonFacts(p.id, p.birth_date, await _places_by_program(conn, p.id, sale_id))
        for p in persons
    ]
    weeks = [g.week_group_id for g in groups.values() if g.week_group_id is not None]
    registered = await _registered(conn, [p.id for p in persons], [*group_ids, *weeks])
    caps = [
        CapRule(r["program_id"], r["max_places"])
        for r in await conn.fetch(query("sale_caps_in_force"), sale_id)
    ]
    check_eligibility(facts, groups.values(), registered, in_cart, caps)
    return groups


async def allowances(
    conn: Executor, sale_id: int, person_ids: Sequence[int], program_id: int
) -> dict[int, int]:
    """How many more places of a program each person may take now under the sale's caps
    (daycare slots are not counted); persons without a cap in force are left out."""
    caps = [
        CapRule(r["program_id"], r["max_places"])
        for r in await conn.fetch(query("sale_caps_in_force"), sale_id)
        if r["program_id"] in (None, program_id)
    ]
    if not caps:
        return {}
    left = {}
    for person_id in person_ids:
        taken = await _places_by_program(conn, person_id, sale_id)
        left[person_id] = min(
            cap.max_places
            - (sum(taken.values()) if cap.program_id is None else taken.get(program_id, 0))
            for cap in caps
        )
    return {person_id: max(0, n) for person_id, n in left.items()}


async def _group_rules(
    conn: Executor, sale_id: int, group_ids: Sequence[int]
) -> dict[int, GroupRules]:
    rows = await conn.fetch(query("groups_for_cart"), list(group_ids))
    if len(rows) != len(set(group_ids)) or any(r["sale_id"] != sale_id for r in rows):
        raise InvalidCartRequest("every group must be on sale in this sale")
    return {
        r["id"]: GroupRules(
            group_id=r["id"],
            program_id=r["program_id"],
            price_cents=r["price_cents"],
            age_min=r["age_min"],
            age_max=r["age_max"],
            week_group_id=r["daycare_for_group_id"],
            age_reference_date=r["age_reference_date"],
        )
        for r in rows
    }


async def _places_by_program(conn: Executor, person_id: int, sale_id: int) -> dict[int, int]:
    rows = await conn.fetch(query("person_places_in_sale"), person_id, sale_id)
    return {r["program_id"]: r["places"] for r in rows}


async def _registered(
    conn: Executor, person_ids: list[int], group_ids: list[int]
) -> set[tuple[int, int]]:
    rows = await conn.fetch(query("persons_registered_in_groups"), person_ids, group_ids)
    return {(r["person_id"], r["group_id"]) for r in rows}
