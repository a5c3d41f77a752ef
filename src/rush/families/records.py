"""A family's own history ("Mon dossier"): its places, orders, instalments, waitlist and slips.

One read, taken in a single snapshot so an order never shows as paid next to an instalment
still waiting. The family id always comes from the caller's session; nothing here is reachable
for another family.
"""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg
import msgspec

from rush.db import query
from rush.documents.childcare_expenses import childcare_paid
from rush.purchase.waitlist import WaitlistEntry, family_waitlist

__all__ = [
    "FamilyRecords",
    "InstalmentRecord",
    "Name",
    "OrderRecord",
    "RefundRecord",
    "RefundedPlace",
    "RegistrationRecord",
    "Releve24Year",
    "WaitlistRecord",
    "family_records",
    "order_ref",
]

_LIVE_WAITLIST = ("waiting", "offered")


class Name(msgspec.Struct, frozen=True):
    """A name the municipality gives in both languages."""

    fr: str
    en: str

    def in_locale(self, locale: str) -> str:
        return self.en if locale == "en" else self.fr


class RegistrationRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    order_id: uuid.UUID
    person_id: int
    person_name: str
    program: Name
    group: Name
    starts_on: dt.date | None
    ends_on: dt.date | None
    status: str = "active"
    """`cancelled` once staff cancelled the place (and refunded it, as the order shows)."""
    cancelled_at: dt.datetime | None = None


class InstalmentRecord(msgspec.Struct, frozen=True, kw_only=True):
    number: int
    amount_cents: int
    due_on: dt.date
    status: str
    paid_at: dt.datetime | None


class RefundedPlace(msgspec.Struct, frozen=True, kw_only=True):
    person_name: str
    program: Name
    group: Name


class RefundRecord(msgspec.Struct, frozen=True, kw_only=True):
    """Money staff gave back on an order when cancelling places, and which places."""

    amount_cents: int
    created_at: dt.datetime
    refunded_at: dt.datetime | None
    """None while the payment provider has not confirmed it yet."""
    places: list[RefundedPlace]


class OrderRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    ref: str
    """The short number the emails give: "3F2A9C1B"."""
    status: str
    total_cents: int
    created_at: dt.datetime
    paid_at: dt.datetime | None
    instalments: list[InstalmentRecord]
    refunds: list[RefundRecord] = msgspec.field(default_factory=list)

    @property
    def receipt_available(self) -> bool:
        return self.status == "paid"


class WaitlistRecord(msgspec.Struct, frozen=True, kw_only=True):
    entry: WaitlistEntry
    person_name: str
    program: Name
    group: Name

    @property
    def offered(self) -> bool:
        return self.entry.status == "offered"


class Releve24Year(msgspec.Struct, frozen=True, kw_only=True):
    """A child and tax year for which a Relevé 24 can be printed."""

    child_id: int
    child_name: str
    tax_year: int
    paid_cents: int


class FamilyRecords(msgspec.Struct, frozen=True, kw_only=True):
    family_id: int
    registrations: list[RegistrationRecord]
    orders: list[OrderRecord]
    waitlist: list[WaitlistRecord]
    """Live entries only (waiting or offered): accepted ones are orders now."""
    releve24: list[Releve24Year]
    tax_payer_on_file: bool
    """Without one no Relevé 24 can be printed: the page asks the family to name the payer."""


def order_ref(order_id: uuid.UUID) -> str:
    return str(order_id)[:8].upper()


async def family_records(pool: asyncpg.Pool, family_id: int) -> FamilyRecords:
    """Everything "Mon dossier" shows, for the signed-in family only."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        registrations = await conn.fetch(query("records_registrations"), family_id)
        orders = await conn.fetch(query("records_orders"), family_id)
        payments = await conn.fetch(query("records_payments"), family_id)
        refunds = await conn.fetch(query("records_refunded_places"), family_id)
        persons = await conn.fetch(query("family_persons"), family_id)
        childcare = await childcare_paid(conn, family_id)
        tax_payer = await conn.fetchrow(query("family_file_tax_payer"), family_id)
    names = {p["id"]: f"{p['first_name']} {p['last_name']}" for p in persons}
    return FamilyRecords(
        family_id=family_id,
        registrations=[_registration(r) for r in registrations],
        orders=_orders(orders, payments, _refunds(refunds)),
        waitlist=await _waitlist(pool, family_id, names),
        releve24=[
            Releve24Year(
                child_id=year.person_id,
                child_name=names.get(year.person_id, ""),
                tax_year=year.tax_year,
                paid_cents=year.paid_cents,
            )
            for year in childcare
        ],
        tax_payer_on_file=tax_payer is not None,
    )


def _registration(row: asyncpg.Record) -> RegistrationRecord:
    return RegistrationRecord(
        id=row["id"],
        order_id=row["order_id"],
        person_id=row["person_id"],
        person_name=row["person_name"],
        program=Name(row["program_fr"], row["program_en"]),
        group=Name(row["group_fr"], row["group_en"]),
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        status=row["status"],
        cancelled_at=row["cancelled_at"],
    )


def _refunds(rows: list[asyncpg.Record]) -> dict[uuid.UUID, list[RefundRecord]]:
    """Each order's refunds, from one row per refunded place."""
    grouped: dict[tuple[uuid.UUID, tuple[int, ...], dt.datetime], list[asyncpg.Record]] = {}
    for row in rows:
        key = (row["order_id"], tuple(row["registration_ids"]), row["created_at"])
        grouped.setdefault(key, []).append(row)
    of_order: dict[uuid.UUID, list[RefundRecord]] = {}
    for (order_id, _, _), places in grouped.items():
        first = places[0]
        of_order.setdefault(order_id, []).append(
            RefundRecord(
                amount_cents=first["amount_cents"],
                created_at=first["created_at"],
                refunded_at=first["refunded_at"],
                places=[
                    RefundedPlace(
                        person_name=r["person_name"],
                        program=Name(r["program_fr"], r["program_en"]),
                        group=Name(r["group_fr"], r["group_en"]),
                    )
                    for r in places
                    if r["person_name"] is not None
                ],
            )
        )
    return of_order


def _orders(
    orders: list[asyncpg.Record],
    payments: list[asyncpg.Record],
    refunds: dict[uuid.UUID, list[RefundRecord]],
) -> list[OrderRecord]:
    schedule: dict[uuid.UUID, list[InstalmentRecord]] = {}
    for p in payments:
        schedule.setdefault(p["order_id"], []).append(
            InstalmentRecord(
                number=p["instalment"],
                amount_cents=p["amount_cents"],
                due_on=p["due_on"],
                status=p["status"],
                paid_at=p["succeeded_at"] if p["status"] == "succeeded" else None,
            )
        )
    return [
        OrderRecord(
            id=o["id"],
            ref=order_ref(o["id"]),
            status=o["status"],
            total_cents=o["total_cents"],
            created_at=o["created_at"],
            paid_at=o["paid_at"],
            instalments=schedule.get(o["id"], []),
            refunds=refunds.get(o["id"], []),
        )
        for o in orders
    ]


async def _waitlist(
    pool: asyncpg.Pool, family_id: int, person_names: dict[int, str]
) -> list[WaitlistRecord]:
    entries = [e for e in await family_waitlist(pool, family_id) if e.status in _LIVE_WAITLIST]
    rows = await pool.fetch(query("records_group_names"), sorted({e.group_id for e in entries}))
    programs = {r["id"]: Name(r["program_fr"], r["program_en"]) for r in rows}
    groups = {r["id"]: Name(r["group_fr"], r["group_en"]) for r in rows}
    return [
        WaitlistRecord(
            entry=entry,
            person_name=person_names.get(entry.person_id, ""),
            program=programs[entry.group_id],
            group=groups[entry.group_id],
        )
        for entry in entries
    ]
