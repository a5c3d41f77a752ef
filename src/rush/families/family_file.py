"""The family file ("Mon dossier familial"): what a family fills in before the rush morning.

Parents' details, the address, each child's SANTÉ ET SÉCURITÉ sheet and contacts, and the
Relevé 24 payer. Every function takes the family id from the caller's session and refuses a
person of another family as if it did not exist (`PersonNotInFamily`). Values are validated and
normalized here once, for the API, the pages and the workers alike: a bad value raises
`FamilyFileInvalid` naming the field and a machine reason the edge translates. The SIN and the
health insurance number are stored only encrypted (`rush.crypto`); the file shows the SIN masked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Literal

import asyncpg
import msgspec

from rush.crypto import FieldCipher
from rush.db import Executor, query
from rush.errors import PersonNotInFamily, RushError
from rush.i18n import TIME_ZONE

__all__ = [
    "Address",
    "Adult",
    "AdultDetails",
    "Child",
    "ChildDetails",
    "Contact",
    "FamilyFile",
    "FamilyFileInvalid",
    "HealthSheet",
    "Issue",
    "IssueCode",
    "MaskedTaxPayer",
    "Readiness",
    "Reason",
    "TaxPayer",
    "UnknownFamily",
    "add_adult",
    "add_child",
    "get_family_file",
    "normalized_email",
    "normalized_health_insurance_number",
    "normalized_phone",
    "normalized_postal_code",
    "normalized_sin",
    "readiness",
    "set_address",
    "set_contacts",
    "set_health_sheet",
    "set_tax_payer",
    "tax_payer_sin",
    "update_adult",
    "update_child",
    "valid_child_birth_date",
    "validated_address",
    "validated_adult",
    "validated_child",
    "validated_contacts",
    "validated_health_sheet",
]

Reason = Literal[
    "required",
    "too_long",
    "too_many",
    "choice",
    "email",
    "phone",
    "postal_code",
    "province",
    "sin",
    "birth_date",
    "health_insurance_number",
    "not_an_adult",
    "not_a_child",
]
IssueCode = Literal[
    "family_not_approved",
    "address_missing",
    "tax_payer_missing",
    "health_sheet_missing",
    "emergency_contact_missing",
]
Sex = Literal["f", "m", "x"]
ContactKind = Literal["emergency", "pickup"]

PROVINCES = frozenset(
    {"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"}
)
MAX_CHILD_AGE_YEARS = 25
MAX_CONTACTS = 10
_NAME_MAX = 100
_TEXT_MAX = 2000
# Canada Post never uses D, F, I, O, Q or U (too easily misread), nor W or Z first.
_POSTAL_CODE = re.compile(
    r"([ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z])([0-9][ABCEGHJ-NPRSTV-Z][0-9])"
)
_PHONE_CHARACTERS = re.compile(r"[0-9\s().+-]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_HEALTH_INSURANCE_NUMBER = re.compile(r"([A-Z]{4})([0-9]{4})([0-9]{4})")
_SEPARATORS = re.compile(r"[\s-]+")


class FamilyFileInvalid(RushError):
    """A value of the family file is missing or malformed: `field` says which, `reason` how.

    The message never repeats the value, so a mistyped SIN does not end up in a log.
    """

    code = "family_file_invalid"
    status = 400

    def __init__(self, field: str, reason: Reason) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class UnknownFamily(RushError):
    code = "unknown_family"
    status = 404

    def __init__(self, family_id: int) -> None:
        super().__init__(f"family {family_id} does not exist")
        self.family_id = family_id


# -- what a family writes -------------------------------------------------------------------------


class AdultDetails(msgspec.Struct, frozen=True, kw_only=True):
    first_name: str
    last_name: str
    email: str | None = None
    phone_home: str | None = None
    phone_mobile: str | None = None
    phone_work: str | None = None


class Address(msgspec.Struct, frozen=True, kw_only=True):
    street: str
    """Civic number and street: "123, rue Principale"."""
    city: str
    postal_code: str
    apartment: str | None = None
    province: str = "QC"


class ChildDetails(msgspec.Struct, frozen=True, kw_only=True):
    first_name: str
    last_name: str
    birth_date: dt.date
    sex: Sex | None = None
    health_insurance_number: str | None = None
    """Quebec's RAMQ number, "TREM 1234 5678"; stored encrypted."""


class HealthSheet(msgspec.Struct, frozen=True, kw_only=True):
    wears_glasses: bool
    wears_contacts: bool
    epipen: bool
    medication: str = ""
    allergies: str = ""
    health_notes: str = ""


class Contact(msgspec.Struct, frozen=True, kw_only=True):
    kind: ContactKind
    name: str
    relationship: str
    phone: str


class TaxPayer(msgspec.Struct, frozen=True, kw_only=True):
    """The Relevé 24 payer as a family submits it; never sent back with the clear SIN."""

    person_id: int
    sin: str


# -- what a family reads --------------------------------------------------------------------------


class Adult(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    details: AdultDetails


class Child(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    details: ChildDetails
    health_sheet: HealthSheet | None
    contacts: list[Contact]


class MaskedTaxPayer(msgspec.Struct, frozen=True, kw_only=True):
    person_id: int
    sin_masked: str
    """"*** *** 123": enough for a parent to recognize the number, useless to anyone else."""


class FamilyFile(msgspec.Struct, frozen=True, kw_only=True):
    family_id: int
    status: str
    adults: list[Adult]
    address: Address | None
    children: list[Child]
    tax_payer: MaskedTaxPayer | None


class Issue(msgspec.Struct, frozen=True, kw_only=True):
    code: IssueCode
    person_id: int | None = None
    """The child concerned, for the issues about one child."""


class Readiness(msgspec.Struct, frozen=True, kw_only=True):
    family_id: int
    issues: list[Issue]

    @property
    def ready(self) -> bool:
        return not self.issues


# -- single values --------------------------------------------------------------------------------


def normalized_postal_code(value: str, field: str = "postal_code") -> str:
    """A Canadian postal code as Canada Post writes it: "G5H 1A1"."""
    match = _POSTAL_CODE.fullmatch(_SEPARATORS.sub("", value).upper())
    if match is None:
        raise FamilyFileInvalid(field, "postal_code")
    return f"{match[1]} {match[2]}"


def normalized_phone(value: str, field: str = "phone") -> str:
    """A North American number as Quebec writes it: "418 555-1234"; a leading 1 is dropped."""
    digits = re.sub(r"[^0-9]", "", value)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if (
        _PHONE_CHARACTERS.fullmatch(value) is None
        or len(digits) != 10
        # Neither an area code nor an exchange starts with 0 or 1.
        or digits[0] in "01"
        or digits[3] in "01"
    ):
        raise FamilyFileInvalid(field, "phone")
    return f"{digits[:3]} {digits[3:6]}-{digits[6:]}"


def normalized_email(value: str, field: str = "email") -> str:
    """The address as typed, without surrounding spaces and with its domain in lower case."""
    text = value.strip()
    if len(text) > 254 or _EMAIL.fullmatch(text) is None:
        raise FamilyFileInvalid(field, "email")
    local, domain = text.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def normalized_sin(value: str, field: str = "sin") -> str:
    """A social insurance number's nine digits, checked with the Luhn algorithm."""
    digits = _SEPARATORS.sub("", value)
    if not (len(digits) == 9 and digits.isascii() and digits.isdigit()):
        raise FamilyFileInvalid(field, "sin")
    # 000 000 000 passes Luhn but is only ever a placeholder.
    if digits == "000000000" or not _luhn_valid(digits):
        raise FamilyFileInvalid(field, "sin")
    return digits


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, character in enumerate(reversed(digits)):
        digit = int(character) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def normalized_health_insurance_number(value: str, field: str = "health_insurance_number") -> str:
    """A RAMQ number as printed on the card: four letters, eight digits, "TREM 1234 5678"."""
    match = _HEALTH_INSURANCE_NUMBER.fullmatch(_SEPARATORS.sub("", value).upper())
    if match is None:
        raise FamilyFileInvalid(field, "health_insurance_number")
    return f"{match[1]} {match[2]} {match[3]}"


def valid_child_birth_date(born: dt.date, today: dt.date, field: str = "birth_date") -> dt.date:
    """A child's birth date: not in the future, and at most 25 years ago (young adults with a
    disability still go to day camp, older dates are typing mistakes)."""
    oldest = _years_before(today, MAX_CHILD_AGE_YEARS)
    if born > today or born < oldest:
        raise FamilyFileInvalid(field, "birth_date")
    return born


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # February 29 of a year that has none
        return day.replace(year=day.year - years, day=28)


def _required_text(value: str, field: str, max_length: int = _NAME_MAX) -> str:
    text = value.strip()
    if not text:
        raise FamilyFileInvalid(field, "required")
    if len(text) > max_length:
        raise FamilyFileInvalid(field, "too_long")
    return text


def _free_text(value: str, field: str) -> str:
    text = value.strip()
    if len(text) > _TEXT_MAX:
        raise FamilyFileInvalid(field, "too_long")
    return text


def _optional(value: str | None, field: str, normalize: Callable[[str, str], str]) -> str | None:
    """None for an empty answer, else the normalized value."""
    if value is None or not value.strip():
        return None
    return normalize(value, field)


def _choice(value: object, choices: Sequence[object], field: str) -> None:
    if value not in choices:
        raise FamilyFileInvalid(field, "choice")


def _quebec_today() -> dt.date:
    return dt.datetime.now(TIME_ZONE).date()


# -- whole pieces ---------------------------------------------------------------------------------


def validated_adult(details: AdultDetails) -> AdultDetails:
    return AdultDetails(
        first_name=_required_text(details.first_name, "first_name"),
        last_name=_required_text(details.last_name, "last_name"),
        email=_optional(details.email, "email", normalized_email),
        phone_home=_optional(details.phone_home, "phone_home", normalized_phone),
        phone_mobile=_optional(details.phone_mobile, "phone_mobile", normalized_phone),
        phone_work=_optional(details.phone_work, "phone_work", normalized_phone),
    )


def validated_address(address: Address) -> Address:
    province = address.province.strip().upper()
    if province not in PROVINCES:
        raise FamilyFileInvalid("province", "province")
    return Address(
        street=_required_text(address.street, "street", 200),
        apartment=_optional(address.apartment, "apartment", _required_text),
        city=_required_text(address.city, "city"),
        province=province,
        postal_code=normalized_postal_code(
            _required_text(address.postal_code, "postal_code"), "postal_code"
        ),
    )


def validated_child(details: ChildDetails, today: dt.date) -> ChildDetails:
    _choice(details.sex, ("f", "m", "x", None), "sex")
    return ChildDetails(
        first_name=_required_text(details.first_name, "first_name"),
        last_name=_required_text(details.last_name, "last_name"),
        birth_date=valid_child_birth_date(details.birth_date, today),
        sex=details.sex,
        health_insurance_number=_optional(
            details.health_insurance_number,
            "health_insurance_number",
            normalized_health_insurance_number,
        ),
    )


def validated_health_sheet(sheet: HealthSheet) -> HealthSheet:
    allergies = _free_text(sheet.allergies, "allergies")
    if sheet.epipen and not allergies:
        # Staff carrying an EpiPen must know what it is for.
        raise FamilyFileInvalid("allergies", "required")
    return HealthSheet(
        wears_glasses=sheet.wears_glasses,
        wears_contacts=sheet.wears_contacts,
        epipen=sheet.epipen,
        medication=_free_text(sheet.medication, "medication"),
        allergies=allergies,
        health_notes=_free_text(sheet.health_notes, "health_notes"),
    )


def validated_contacts(contacts: Sequence[Contact]) -> list[Contact]:
    if len(contacts) > MAX_CONTACTS:
        raise FamilyFileInvalid("contacts", "too_many")
    valid = []
    for n, contact in enumerate(contacts):
        field = f"contacts[{n}]"
        _choice(contact.kind, ("emergency", "pickup"), f"{field}.kind")
        valid.append(
            Contact(
                kind=contact.kind,
                name=_required_text(contact.name, f"{field}.name"),
                relationship=_required_text(contact.relationship, f"{field}.relationship"),
                phone=normalized_phone(
                    _required_text(contact.phone, f"{field}.phone"), f"{field}.phone"
                ),
            )
        )
    return valid


# -- reading --------------------------------------------------------------------------------------


async def _family_status(conn: Executor, family_id: int) -> str:
    status: str | None = await conn.fetchval(query("family_file_status"), family_id)
    if status is None:
        raise UnknownFamily(family_id)
    return status


async def get_family_file(pool: asyncpg.Pool, cipher: FieldCipher, family_id: int) -> FamilyFile:
    """The whole file, read in one snapshot; the SIN only masked."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        status = await _family_status(conn, family_id)
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
        status=status,
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
) -> tuple[str, str, dt.date, str | None, bytes | None]:
    number = details.health_insurance_number
    return (
        details.first_name,
        details.last_name,
        details.birth_date,
        details.sex,
        cipher.encrypt(number) if number else None,
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
    valid = validated_child(details, today or _quebec_today())
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
    values = _child_values(validated_child(details, today or _quebec_today()), cipher)
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


# -- readiness ------------------------------------------------------------------------------------


async def readiness(pool: asyncpg.Pool, family_id: int) -> Readiness:
    """What the family must still do before registering, as stable issue codes.

    Family-wide issues come first, then each child's, the oldest child first as in the file.
    """
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        family = await conn.fetchrow(query("family_file_readiness"), family_id)
        children = await conn.fetch(query("family_file_readiness_children"), family_id)
    if family is None:
        raise UnknownFamily(family_id)
    issues: list[Issue] = []
    if family["status"] != "approved":
        issues.append(Issue(code="family_not_approved"))
    if not family["has_address"]:
        issues.append(Issue(code="address_missing"))
    if not family["has_tax_payer"]:
        issues.append(Issue(code="tax_payer_missing"))
    for child in children:
        if not child["has_health_sheet"]:
            issues.append(Issue(code="health_sheet_missing", person_id=child["id"]))
        if not child["has_emergency_contact"]:
            issues.append(Issue(code="emergency_contact_missing", person_id=child["id"]))
    return Readiness(family_id=family_id, issues=issues)
