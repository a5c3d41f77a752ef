"""The family file in Postgres: read in one snapshot, written piece by piece, each piece
validated (`family_file_validation`) before it is stored.

Every function takes the family id from the caller's session and refuses a person of another
family as if it did not exist (`PersonNotInFamily`). The SIN and the health insurance number
are stored only encrypted (`rush.crypto`); the file shows the SIN masked. `add_child` is the one
way a child enters a family, for the portal's pages and the API alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

import asyncpg

from rush.crypto import FieldCipher
from rush.db import Executor, query
from rush.errors import PersonNotInFamily
from rush.families.family_file_types import (
    Address,
    Adult,
    AdultDetails,
    Child,
    ChildDetails,
    Contact,
    FamilyFile,
    FamilyFileInvalid,
    HealthSheet,
    MaskedTaxPayer,
    UnknownFamily,
)
from rush.families.family_file_validation import (
    normalized_sin,
    quebec_today,
    validated_address,
    validated_adult,
    validated_child,
    validated_contacts,
    validated_health_sheet,
)

__all__ = [
    "add_adult",
    "add_child",
    "get_family_file",
    "set_address",
    "set_contacts",
    "set_health_sheet",
    "set_tax_payer",
    "tax_payer_sin",
    "update_adult",
    "update_child",
]

# -- reading --------------------------------------------------------------------------------------


async def _family_row(conn: Executor, family_id: int) -> asyncpg.Record:
    """The family's status and, when staff refused it, their reason."""
    row: asyncpg.Record | None = await conn.fetchrow(query("family_file_status"), family_id)
    if row is None:
        raise UnknownFamily(family_id)
    return row


async def get_family_file(pool: asyncpg.Pool, cipher: FieldCipher, family_id: int) -> FamilyFile:
    """The whole file, read in one snapshot; the SIN only masked."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        family = await _family_row(conn, family_id)
        adults = await conn.fetch(query("family_file_adults"), family_id)
        address = await conn.fetchrow(query("family_file_address"), family_id)
        children = await conn.fetch(query("family_file_children"), family_id)
        contacts = await conn.fetch(query("family_file_contacts"), family_id)
        payer = await conn.fetchrow(query("family_file_tax_payer"), family_id)
    contacts_of: dict[int, list[Contact]] = {}
    for row in contacts:
        contacts_of.setdefault(row["person_id"], []).append(
            Contact(
                kind=row["kind"],
                name=row["name"],
                relationship=row["relationship"],
                phone=row["phone"],
            )
        )
    return FamilyFile(
        family_id=family_id,
        status=family["status"],
        refusal_reason=family["refusal_reason"],
        adults=[Adult(id=r["id"], details=_adult_details(r)) for r in adults],
        address=Address(**dict(address.items())) if address else None,
        children=[_child(r, contacts_of.get(r["id"], []), cipher) for r in children],
        tax_payer=MaskedTaxPayer(
            person_id=payer["person_id"], sin_masked=f"*** *** {payer['sin_last3']}"
        )
        if payer
        else None,
    )


def _adult_details(row: asyncpg.Record) -> AdultDetails:
    fields = dict(row.items())
    del fields["id"]
    return AdultDetails(**fields)


def _child(row: asyncpg.Record, contacts: list[Contact], cipher: FieldCipher) -> Child:
    encrypted = row["health_insurance_number_encrypted"]
    return Child(
        id=row["id"],
        details=ChildDetails(
            first_name=row["first_name"],
            last_name=row["last_name"],
            birth_date=row["birth_date"],
            sex=row["sex"],
            health_insurance_number=cipher.decrypt(encrypted) if encrypted else None,
        ),
        health_sheet=HealthSheet(
            wears_glasses=row["wears_glasses"],
            wears_contacts=row["wears_contacts"],
            epipen=row["epipen"],
            medication=row["medication"],
            allergies=row["allergies"],
            health_notes=row["health_notes"],
        )
        if row["has_health_sheet"]
        else None,
        contacts=contacts,
    )


async def tax_payer_sin(pool: asyncpg.Pool, cipher: FieldCipher, family_id: int) -> str | None:
    """The payer's nine SIN digits for the Relevé 24, or None when no payer is on file.

    The only function that returns a clear SIN: call it when printing the receipt, nowhere else.
    """
    token: bytes | None = await pool.fetchval(query("family_file_tax_payer_sin"), family_id)
    return cipher.decrypt(token) if token is not None else None


# -- writing --------------------------------------------------------------------------------------


async def _lock_member(
    conn: Executor, family_id: int, person_id: int, role: Literal["adult", "child"]
) -> None:
    """Check the person is one of the family's adults (or children) and lock it for the edit."""
    found = await conn.fetchval(query("family_file_lock_member"), family_id, person_id)
    if found is None:
        raise PersonNotInFamily(person_id)
    if found != role:
        raise FamilyFileInvalid("person_id", "not_an_adult" if role == "adult" else "not_a_child")


def _adult_values(details: AdultDetails) -> tuple[str | None, ...]:
    return (
        details.first_name,
        details.last_name,
        details.email,
        details.phone_home,
        details.phone_mobile,
        details.phone_work,
    )


async def add_adult(pool: asyncpg.Pool, family_id: int, details: AdultDetails) -> int:
    """A second parent or guardian; returns their person id."""
    values = _adult_values(validated_adult(details))
    try:
        person_id: int = await pool.fetchval(query("family_file_insert_adult"), family_id, *values)
    except asyncpg.ForeignKeyViolationError as exc:
        raise UnknownFamily(family_id) from exc
    return person_id


async def update_adult(
    pool: asyncpg.Pool, family_id: int, person_id: int, details: AdultDetails
) -> None:
    values = _adult_values(validated_adult(details))
    async with pool.acquire() as conn, conn.transaction():
        await _lock_member(conn, family_id, person_id, "adult")
        await conn.execute(query("family_file_update_adult"), family_id, person_id, *values)


async def set_address(pool: asyncpg.Pool, family_id: int, address: Address) -> None:
    valid = validated_address(address)
    try:
        await pool.execute(
            query("family_file_upsert_address"),
            family_id,
            valid.street,
            valid.apartment,
            valid.city,
            valid.province,
            valid.postal_code,
        )
    except asyncpg.ForeignKeyViolationError as exc:
        raise UnknownFamily(family_id) from exc


def _child_values(
    details: ChildDetails, cipher: FieldCipher
) -> tuple[str, str, dt.date, str | None, bytes | None, bytes | None]:
    """The child's columns; the health insurance number also as its keyed hash
    (`child_claims` compares children of two families by it)."""
    number = details.health_insurance_number
    return (
        details.first_name,
        details.last_name,
        details.birth_date,
        details.sex,
        cipher.encrypt(number) if number else None,
        cipher.lookup_hash(number) if number else None,
    )


async def add_child(
    pool: asyncpg.Pool,
    cipher: FieldCipher,
    family_id: int,
    details: ChildDetails,
    *,
    today: dt.date | None = None,
) -> int:
    """A child of the family; returns their person id. `today` defaults to Quebec's date."""
    valid = validated_child(details, today or quebec_today())
    try:
        child_id: int = await pool.fetchval(
            query("family_file_insert_child"), family_id, *_child_values(valid, cipher)
        )
    except asyncpg.ForeignKeyViolationError as exc:
        raise UnknownFamily(family_id) from exc
    return child_id


async def update_child(
    pool: asyncpg.Pool,
    cipher: FieldCipher,
    family_id: int,
    child_id: int,
    details: ChildDetails,
    *,
    today: dt.date | None = None,
) -> None:
    """Replace the child's details; a missing health insurance number erases the stored one."""
    values = _child_values(validated_child(details, today or quebec_today()), cipher)
    async with pool.acquire() as conn, conn.transaction():
        await _lock_member(conn, family_id, child_id, "child")
        await conn.execute(query("family_file_update_child"), family_id, child_id, *values)


async def set_health_sheet(
    pool: asyncpg.Pool, family_id: int, child_id: int, sheet: HealthSheet
) -> None:
    valid = validated_health_sheet(sheet)
    async with pool.acquire() as conn, conn.transaction():
        await _lock_member(conn, family_id, child_id, "child")
        await conn.execute(
            query("family_file_upsert_health_sheet"),
            child_id,
            valid.wears_glasses,
            valid.wears_contacts,
            valid.medication,
            valid.allergies,
            valid.epipen,
            valid.health_notes,
        )


async def set_contacts(
    pool: asyncpg.Pool, family_id: int, child_id: int, contacts: Sequence[Contact]
) -> None:
    """Replace the child's contacts with these, in this order."""
    valid = validated_contacts(contacts)
    async with pool.acquire() as conn, conn.transaction():
        await _lock_member(conn, family_id, child_id, "child")
        await conn.execute(query("family_file_delete_contacts"), child_id)
        await conn.execute(
            query("family_file_insert_contacts"),
            child_id,
            [c.kind for c in valid],
            [c.name for c in valid],
            [c.relationship for c in valid],
            [c.phone for c in valid],
        )


async def set_tax_payer(
    pool: asyncpg.Pool, cipher: FieldCipher, family_id: int, person_id: int, sin: str
) -> None:
    """Name the adult the Relevé 24 is made out to, with their SIN (stored encrypted)."""
    digits = normalized_sin(sin)
    async with pool.acquire() as conn, conn.transaction():
        await _lock_member(conn, family_id, person_id, "adult")
        await conn.execute(
            query("family_file_upsert_tax_payer"),
            family_id,
            person_id,
            cipher.encrypt(digits),
            digits[-3:],
        )
