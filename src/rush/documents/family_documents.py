"""The data of the documents a family downloads from "Mon dossier": its Relevé 24 slips and
payment receipts, gathered from Postgres for the pure PDF builders of `rush.documents`.

A slip is refused rather than printed wrong: without a tax payer on file, or with nothing
eligible paid that year, there is no slip (`ReceiptUnavailable`). Another family's child or
order is refused as if it did not exist.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Final, Literal

import asyncpg

from rush.config import Settings
from rush.crypto import FieldCipher
from rush.db import query
from rush.documents import (
    Child,
    Issuer,
    PaidInstalment,
    Payer,
    PaymentReceiptData,
    ReceiptLine,
    Releve24Data,
)
from rush.documents.childcare_expenses import childcare_paid
from rush.errors import OrderNotFound, PersonNotInFamily, RushError
from rush.families.accounts import family_person
from rush.families.family_file_storage import tax_payer_sin
from rush.families.records import order_ref
from rush.i18n import TIME_ZONE

__all__ = [
    "DEMO_ISSUER",
    "ReceiptUnavailable",
    "issuer_of",
    "payment_receipt_for",
    "releve24_for",
]

UnavailableReason = Literal["no_tax_payer", "nothing_paid", "order_not_paid"]
RECEIPT_STATUSES = frozenset({"paid", "refunded", "cancelled"})


def issuer_of(settings: Settings) -> Issuer:
    """The municipality printed on documents, as the settings name it (`RUSH_ISSUER_*`)."""
    return Issuer(
        name=settings.issuer_name,
        address_lines=settings.issuer_address_lines,
        neq_or_business_number=settings.issuer_number,
    )


DEMO_ISSUER: Final = issuer_of(Settings())
"""The demo municipality: what documents print when no `RUSH_ISSUER_*` is set."""


class ReceiptUnavailable(RushError):
    """No document can be made: `reason` says whether the payer or the payment is missing."""

    code = "receipt_unavailable"
    status = 404

    def __init__(self, reason: UnavailableReason) -> None:
        super().__init__(f"no receipt: {reason}")
        self.reason = reason


def _quebec_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(TIME_ZONE).date()


async def releve24_for(
    pool: asyncpg.Pool,
    cipher: FieldCipher,
    family_id: int,
    child_id: int,
    tax_year: int,
    issuer: Issuer,
) -> Releve24Data:
    """One child's slip for one tax year: the childcare paid that year, to the family's payer."""
    child = await family_person(pool, family_id, child_id)
    if child.role != "child" or child.birth_date is None:
        raise PersonNotInFamily(child_id)
    paid = next(
        (
            year
            for year in await childcare_paid(pool, family_id)
            if year.person_id == child_id and year.tax_year == tax_year
        ),
        None,
    )
    if paid is None:
        raise ReceiptUnavailable("nothing_paid")
    return Releve24Data(
        tax_year=tax_year,
        issuer=issuer,
        payer=await _payer(pool, cipher, family_id),
        child=Child(full_name=f"{child.first_name} {child.last_name}", birth_date=child.birth_date),
        slip_number=f"RL24-{tax_year}-{child_id:06d}",
        days_of_care=paid.days_of_care,
        # Every place counted is a childcare place, so all of it gives right to the credit.
        eligible_amount_cents=paid.paid_cents,
        paid_amount_cents=paid.paid_cents,
        periods=paid.periods,
    )


async def _payer(pool: asyncpg.Pool, cipher: FieldCipher, family_id: int) -> Payer:
    # Read apart from the family file, so printing a slip decrypts the SIN and nothing else.
    row = await pool.fetchrow(query("records_tax_payer"), family_id)
    sin = await tax_payer_sin(pool, cipher, family_id)
    if row is None or sin is None:
        raise ReceiptUnavailable("no_tax_payer")
    return Payer(
        full_name=f"{row['first_name']} {row['last_name']}",
        address_lines=_address_lines(row),
        sin=sin,
    )


def _address_lines(row: asyncpg.Record) -> list[str]:
    """The address as Canada Post writes it: "12, rue des Érables, app. 3", "Mont-Joli QC  G5H 1A1".

    Empty when the family file has no address yet: the slip is still valid for the credit.
    """
    if row["street"] is None:
        return []
    street = f"{row['street']}, app. {row['apartment']}" if row["apartment"] else row["street"]
    return [street, f"{row['city']} {row['province']}  {row['postal_code']}"]


async def payment_receipt_for(
    pool: asyncpg.Pool, family_id: int, order_id: uuid.UUID, issuer: Issuer, *, locale: str
) -> PaymentReceiptData:
    """The receipt of one of the family's paid orders, names written in `locale`.

    It is dated on the last payment or refund it acknowledges, so downloading it again gives
    the same PDF.
    """
    order = await pool.fetchrow(query("records_order"), order_id, family_id)
    if order is None:
        raise OrderNotFound(str(order_id))
    payments = [
        PaidInstalment(paid_on=_quebec_date(p["succeeded_at"]), amount_cents=p["amount_cents"])
        for p in await pool.fetch(query("records_order_payments"), order_id)
        if p["status"] == "succeeded" and p["succeeded_at"] is not None
    ]
    # Paid, or cancelled afterwards (refunded or not): the family paid and keeps a proof.
    if order["status"] not in RECEIPT_STATUSES or not payments:
        raise ReceiptUnavailable("order_not_paid")
    english = locale == "en"
    lines = [
        ReceiptLine(
            person_name=r["person_name"],
            program_name=r["program_en" if english else "program_fr"],
            group_name=r["group_en" if english else "group_fr"],
            amount_cents=r["price_cents"],
            cancelled=r["cancelled"],
        )
        for r in await pool.fetch(query("records_order_lines"), order_id)
    ]
    refunds = [
        PaidInstalment(paid_on=_quebec_date(r["refunded_at"]), amount_cents=r["amount_cents"])
        for r in await pool.fetch(query("records_order_refunds"), order_id)
    ]
    family_name: str | None = await pool.fetchval(query("records_family_name"), family_id)
    return PaymentReceiptData(
        issuer=issuer,
        family_name=family_name or "",
        order_ref=order_ref(order_id),
        issued_on=max(
            (p.paid_on for p in [*payments, *refunds]),
            default=_quebec_date(order["paid_at"] or order["created_at"]),
        ),
        lines=lines,
        payments=payments,
        refunds=refunds,
    )
