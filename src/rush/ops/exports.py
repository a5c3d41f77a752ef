"""What staff download: a group's registrations, its health and safety list, a sale's payments.

Functions return plain rows; the web edge writes them as CSV in the staff member's language.
The health list reads only what monitors need on site: never the SIN (only the Relevé 24 uses
it) nor the health insurance number, so no encrypted field is ever decrypted here.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field

import asyncpg

from rush.catalogue.eligibility import age_on
from rush.db import query
from rush.errors import UnknownGroup, UnknownSale
from rush.i18n import TIME_ZONE

__all__ = [
    "ExportGroup",
    "ExportProgram",
    "ExportSale",
    "GroupHeader",
    "HealthRow",
    "PaymentDay",
    "RegistrationRow",
    "export_catalogue",
    "group_header",
    "health_rows",
    "payments_per_day",
    "registration_rows",
]


@dataclass(frozen=True, slots=True)
class ExportGroup:
    id: int
    name_fr: str
    name_en: str
    paid_count: int
    capacity: int


@dataclass(slots=True)
class ExportProgram:
    id: int
    name_fr: str
    name_en: str
    groups: list[ExportGroup] = field(default_factory=list)


@dataclass(slots=True)
class ExportSale:
    id: int
    name_fr: str
    name_en: str
    programs: list[ExportProgram] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class GroupHeader:
    id: int
    name_fr: str
    name_en: str
    sale_id: int
    age_reference_date: dt.date


@dataclass(frozen=True, slots=True)
class RegistrationRow:
    first_name: str
    last_name: str
    birth_date: dt.date | None
    age: int | None
    """On the season's age reference date, as the programs announce ages."""
    adult_name: str
    adult_phone: str
    adult_email: str
    daycare: bool
    """The child also holds a place in this group's daycare."""
    tshirt_size: str
    other_options: dict[str, str]
    order_id: uuid.UUID
    paid_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class HealthContact:
    name: str
    relationship: str
    phone: str


@dataclass(frozen=True, slots=True)
class HealthRow:
    first_name: str
    last_name: str
    birth_date: dt.date | None
    has_health_sheet: bool
    allergies: str
    medication: str
    epipen: bool
    wears_glasses: bool
    wears_contacts: bool
    health_notes: str
    adult_name: str
    adult_phone: str
    emergency_contacts: list[HealthContact]
    pickup_contacts: list[HealthContact]


@dataclass(frozen=True, slots=True)
class PaymentDay:
    day: dt.date
    payments: int
    received_cents: int
    refunded_cents: int

    @property
    def net_cents(self) -> int:
        return self.received_cents - self.refunded_cents


async def export_catalogue(pool: asyncpg.Pool) -> list[ExportSale]:
    """Sales, then their programs, then their groups: what the exports page lists."""
    sales: dict[int, ExportSale] = {}
    programs: dict[int, ExportProgram] = {}
    for row in await pool.fetch(query("export_groups")):
        sale = sales.setdefault(
            row["sale_id"], ExportSale(row["sale_id"], row["sale_fr"], row["sale_en"])
        )
        if row["program_id"] is None:
            continue
        if row["program_id"] not in programs:
            programs[row["program_id"]] = ExportProgram(
                row["program_id"], row["program_fr"], row["program_en"]
            )
            sale.programs.append(programs[row["program_id"]])
        if row["group_id"] is not None:
            programs[row["program_id"]].groups.append(
                ExportGroup(
                    row["group_id"],
                    row["name_fr"],
                    row["name_en"],
                    row["paid_count"],
                    row["capacity"],
                )
            )
    return list(sales.values())


async def group_header(pool: asyncpg.Pool, group_id: int) -> GroupHeader:
    row = await pool.fetchrow(query("export_group"), group_id)
    if row is None:
        raise UnknownGroup(group_id)
    return GroupHeader(
        row["group_id"], row["name_fr"], row["name_en"], row["sale_id"], row["age_reference_date"]
    )


async def registration_rows(pool: asyncpg.Pool, group: GroupHeader) -> list[RegistrationRow]:
    """The children actively registered in the group, by last name."""
    rows = await pool.fetch(query("export_registrations"), group.id)
    result = []
    for row in rows:
        options: dict[str, str] = {k: str(v) for k, v in json.loads(row["options"]).items()}
        born: dt.date | None = row["birth_date"]
        result.append(
            RegistrationRow(
                first_name=row["first_name"],
                last_name=row["last_name"],
                birth_date=born,
                age=age_on(born, group.age_reference_date) if born else None,
                adult_name=" ".join(
                    n for n in (row["adult_first_name"], row["adult_last_name"]) if n
                ),
                adult_phone=row["adult_phone"] or "",
                adult_email=row["adult_email"] or "",
                daycare=row["daycare"],
                tshirt_size=options.pop("tshirt_size", ""),
                other_options=options,
                order_id=row["order_id"],
                paid_at=row["paid_at"],
            )
        )
    return result


async def health_rows(pool: asyncpg.Pool, group_id: int) -> list[HealthRow]:
    """Each registered child's health and safety sheet and contacts, read in one snapshot."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        children = await conn.fetch(query("export_health"), group_id)
        contacts = await conn.fetch(query("export_health_contacts"), group_id)
    contacts_of: dict[tuple[int, str], list[HealthContact]] = {}
    for c in contacts:
        contacts_of.setdefault((c["person_id"], c["kind"]), []).append(
            HealthContact(c["name"], c["relationship"], c["phone"])
        )
    return [
        HealthRow(
            first_name=r["first_name"],
            last_name=r["last_name"],
            birth_date=r["birth_date"],
            has_health_sheet=r["has_health_sheet"],
            allergies=r["allergies"],
            medication=r["medication"],
            epipen=r["epipen"],
            wears_glasses=r["wears_glasses"],
            wears_contacts=r["wears_contacts"],
            health_notes=r["health_notes"],
            adult_name=r["adult_name"],
            adult_phone=r["adult_phone"] or "",
            emergency_contacts=contacts_of.get((r["person_id"], "emergency"), []),
            pickup_contacts=contacts_of.get((r["person_id"], "pickup"), []),
        )
        for r in children
    ]


async def payments_per_day(pool: asyncpg.Pool, sale_id: int) -> list[PaymentDay]:
    """Payments received and refunded per day of Quebec's wall clock, the oldest day first.

    Refunds are the money actually given back: staff refunds (`refund`, 0008) once the provider
    confirms them, and whole payments refunded after a payment conflict.
    """
    if await pool.fetchval(query("export_sale"), sale_id) is None:
        raise UnknownSale(sale_id)
    rows = await pool.fetch(query("export_payments_per_day"), sale_id, TIME_ZONE.key)
    return [
        PaymentDay(r["day"], r["payments"], r["received_cents"], r["refunded_cents"]) for r in rows
    ]
