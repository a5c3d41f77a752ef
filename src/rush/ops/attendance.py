"""Attendance taken on site: which registered children came to their group on a given day,
and who took each one home.

Only children with an active registration in the group can be marked; anyone else is refused
(`NotRegisteredInGroup`), so a mistyped id never adds a child to a group's attendance. A child
leaves only with someone `pickups` allows (`NotAuthorisedForPickup` otherwise). The sheet flags
what the monitor must know at a glance from the health sheet (allergies, EpiPen, medication):
staff who may open the sheet are the staff who may download the group's health list.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

import asyncpg

from rush.db import query
from rush.errors import RushError, UnknownGroup
from rush.ops.pickups import PickupPerson, pickup_people

__all__ = [
    "AttendanceGroup",
    "AttendanceSheet",
    "ExpectedChild",
    "HealthFlags",
    "NotAuthorisedForPickup",
    "NotRegisteredInGroup",
    "SignOut",
    "attendance_groups",
    "attendance_sheet",
    "mark_attendance",
    "matches_search",
    "sign_out",
]


class NotRegisteredInGroup(RushError):
    """The child has no active registration in the group, so cannot be marked there."""

    code = "not_registered_in_group"
    status = 422

    def __init__(self, group_id: int, person_id: int) -> None:
        super().__init__(f"person {person_id} is not registered in group {group_id}")
        self.group_id = group_id
        self.person_id = person_id


class NotAuthorisedForPickup(RushError):
    """The person is not among those the family allows to take the child home."""

    code = "not_authorised_for_pickup"
    status = 422

    def __init__(self, person_id: int) -> None:
        super().__init__(f"this person may not pick up person {person_id}")
        self.person_id = person_id


@dataclass(frozen=True, slots=True)
class AttendanceGroup:
    group_id: int
    name_fr: str
    name_en: str
    program_fr: str
    program_en: str
    sale_fr: str
    sale_en: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    expected: int
    running_today: bool


@dataclass(frozen=True, slots=True)
class HealthFlags:
    """What a monitor must see on the child's row; the whole sheet is in the health export."""

    allergies: str
    epipen: bool
    medication: str

    @property
    def any(self) -> bool:
        return bool(self.allergies or self.epipen or self.medication)


@dataclass(frozen=True, slots=True)
class SignOut:
    to: str
    relationship: str
    at: dt.datetime
    """The server's clock when the monitor recorded it."""
    by: str
    """The staff account that recorded it."""


@dataclass(frozen=True, slots=True)
class ExpectedChild:
    person_id: int
    first_name: str
    last_name: str
    birth_date: dt.date | None
    present: bool
    health: HealthFlags | None
    """None when the family has not filled in the health sheet."""
    pickups: list[PickupPerson]
    signed_out: SignOut | None
    sex: str | None = None
    """As the family file says ("f", "m", "x") or None: French agrees "Présent"/"Présente"."""


@dataclass(frozen=True, slots=True)
class AttendanceSheet:
    group_id: int
    name_fr: str
    name_en: str
    program_fr: str
    program_en: str
    session_date: dt.date
    children: list[ExpectedChild]
    """The whole group; `expected` and `came` always count all of it, whatever the search."""

    @property
    def expected(self) -> int:
        return len(self.children)

    @property
    def came(self) -> int:
        return sum(child.present for child in self.children)

    @property
    def left(self) -> int:
        return sum(child.signed_out is not None for child in self.children)

    def matching(self, search: str) -> list[ExpectedChild]:
        return [c for c in self.children if matches_search(c, search)]


def _folded(text: str) -> str:
    """Lower case without accents, so "eloise" finds "Éloïse" on a tablet keyboard."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def matches_search(child: ExpectedChild, search: str) -> bool:
    """Every word typed is part of the child's name, accents and case aside."""
    name = _folded(f"{child.first_name} {child.last_name}")
    return all(word in name for word in _folded(search).split())


async def attendance_groups(pool: asyncpg.Pool, today: dt.date) -> list[AttendanceGroup]:
    """Every group, those running on `today` first."""
    rows = await pool.fetch(query("attendance_groups"), today)
    return [
        AttendanceGroup(
            group_id=r["group_id"],
            name_fr=r["name_fr"],
            name_en=r["name_en"],
            program_fr=r["program_fr"],
            program_en=r["program_en"],
            sale_fr=r["sale_fr"],
            sale_en=r["sale_en"],
            starts_on=r["starts_on"],
            ends_on=r["ends_on"],
            expected=r["paid_count"],
            running_today=r["running_today"],
        )
        for r in rows
    ]


async def attendance_sheet(
    pool: asyncpg.Pool, group_id: int, session_date: dt.date
) -> AttendanceSheet:
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        group = await conn.fetchrow(query("attendance_group"), group_id)
        if group is None:
            raise UnknownGroup(group_id)
        rows = await conn.fetch(query("attendance_sheet"), group_id, session_date)
        pickups = await pickup_people(conn, group_id)
    return AttendanceSheet(
        group_id=group_id,
        name_fr=group["name_fr"],
        name_en=group["name_en"],
        program_fr=group["program_fr"],
        program_en=group["program_en"],
        session_date=session_date,
        children=[_expected_child(r, pickups.get(r["person_id"], [])) for r in rows],
    )


def _expected_child(row: asyncpg.Record, pickups: list[PickupPerson]) -> ExpectedChild:
    return ExpectedChild(
        person_id=row["person_id"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        birth_date=row["birth_date"],
        present=row["present"],
        health=HealthFlags(row["allergies"], row["epipen"], row["medication"])
        if row["has_health_sheet"]
        else None,
        pickups=pickups,
        signed_out=SignOut(
            row["signed_out_to"],
            row["signed_out_relationship"],
            row["signed_out_at"],
            row["signed_out_by"],
        )
        if row["signed_out_at"] is not None
        else None,
        sex=row["sex"],
    )


async def mark_attendance(
    pool: asyncpg.Pool,
    *,
    group_id: int,
    person_id: int,
    session_date: dt.date,
    present: bool,
    account_id: int,
) -> None:
    """Mark the child present (or not) by this staff account; a second tap overwrites the first.

    Unmarking a child also forgets its sign-out: a child who did not come did not leave.
    """
    written = await pool.fetchval(
        query("attendance_mark"), group_id, person_id, session_date, present, account_id
    )
    if written is None:
        raise NotRegisteredInGroup(group_id, person_id)


async def sign_out(
    pool: asyncpg.Pool,
    *,
    group_id: int,
    person_id: int,
    session_date: dt.date,
    pickup_name: str,
    account_id: int,
) -> PickupPerson:
    """Record that the child left with `pickup_name`, now, by this staff account.

    The person must be one the family allows (`pickups`); the child counts as present, since it
    was there to be picked up. Signing out again replaces the first record. Returns who it was.
    """
    async with pool.acquire() as conn, conn.transaction():
        if await conn.fetchval(query("attendance_expected"), group_id, person_id) is None:
            raise NotRegisteredInGroup(group_id, person_id)
        allowed = (await pickup_people(conn, group_id, person_id)).get(person_id, [])
        chosen = next((p for p in allowed if p.name == pickup_name.strip()), None)
        if chosen is None:
            raise NotAuthorisedForPickup(person_id)
        await conn.execute(
            query("attendance_sign_out"),
            group_id,
            person_id,
            session_date,
            chosen.name,
            chosen.relationship,
            account_id,
        )
    return chosen
