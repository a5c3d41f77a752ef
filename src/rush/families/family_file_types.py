"""The family file's shapes: what a family writes, what it reads back, and the two errors its
functions raise (a refused value, a family that does not exist).

Validation (`family_file_validation`), storage (`family_file_storage`) and readiness
(`readiness`) all speak in these types; the web edge decodes forms and JSON into them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

from rush.errors import RushError

__all__ = [
    "Address",
    "Adult",
    "AdultDetails",
    "Child",
    "ChildDetails",
    "Contact",
    "ContactKind",
    "FamilyFile",
    "FamilyFileInvalid",
    "HealthSheet",
    "MaskedTaxPayer",
    "Reason",
    "Sex",
    "TaxPayer",
    "UnknownFamily",
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
Sex = Literal["f", "m", "x"]
ContactKind = Literal["emergency", "pickup"]


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
    refusal_reason: str | None = None
    """Why staff refused the file, in their words; None unless the status is "refused"."""
