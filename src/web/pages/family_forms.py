"""Reading the family file's forms into the domain's structs, reporting every bad input at once.

The domain stops at the first bad value; a parent on a phone should see every input to fix in
one go. So each input is first checked with the domain's own single-value rules
(`normalized_phone`, `normalized_postal_code`, ...), then the whole piece goes through the
domain's validation, which stays the only judge of what is stored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, Literal

from rush.families.family_file_types import (
    Address,
    AdultDetails,
    ChildDetails,
    Contact,
    FamilyFileInvalid,
    HealthSheet,
    Reason,
)
from rush.families.family_file_validation import (
    MAX_CONTACTS,
    normalized_email,
    normalized_health_insurance_number,
    normalized_phone,
    normalized_postal_code,
    normalized_sin,
    valid_child_birth_date,
    validated_address,
    validated_adult,
    validated_child,
    validated_contacts,
    validated_health_sheet,
)

__all__ = [
    "CONTACT_ROWS",
    "FormInvalid",
    "adult_details",
    "child_details",
    "contacts",
    "form_address",
    "health_sheet",
    "tax_payer",
    "text",
]

FormData = Mapping[str, Any]
CONTACT_ROWS = MAX_CONTACTS
"""Rows a contacts form may send (`contact-<row>-<field>`); blank rows are ignored."""

_SEXES: Mapping[str, Literal["f", "m", "x"]] = {"f": "f", "m": "m", "x": "x"}
_KINDS: Mapping[str, Literal["emergency", "pickup"]] = {
    "emergency": "emergency",
    "pickup": "pickup",
}
_CONTACT_FIELD = re.compile(r"contacts\[(\d+)\]\.(\w+)")


class FormInvalid(Exception):
    """Some inputs were refused: `reasons` maps each input's name to the domain's reason.

    The message names the inputs only, never their values (a SIN must not reach a log).
    """

    def __init__(self, reasons: dict[str, Reason]) -> None:
        super().__init__(", ".join(reasons))
        self.reasons = reasons


class _Checks:
    """Runs checks in form order, keeping the first reason per input."""

    def __init__(self) -> None:
        self.reasons: dict[str, Reason] = {}

    def run(self, check: Callable[[], object], prefix: str = "") -> None:
        try:
            check()
        except FamilyFileInvalid as exc:
            self.reasons.setdefault(prefix + exc.field, exc.reason)

    def required(self, value: str, field: str, prefix: str = "") -> bool:
        if not value.strip():
            self.reasons.setdefault(prefix + field, "required")
            return False
        return True

    def done(self) -> None:
        if self.reasons:
            raise FormInvalid(self.reasons)


def text(form: FormData, name: str) -> str:
    """An input's value as typed; a repeated input keeps its last value."""
    value = form.get(name, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value)


def _optional(form: FormData, name: str) -> str | None:
    value = text(form, name)
    return value if value.strip() else None


def _checked(form: FormData, name: str) -> bool:
    return bool(text(form, name))


def adult_details(form: FormData) -> AdultDetails:
    details = AdultDetails(
        first_name=text(form, "first_name"),
        last_name=text(form, "last_name"),
        email=_optional(form, "email"),
        phone_mobile=_optional(form, "phone_mobile"),
        phone_home=_optional(form, "phone_home"),
        phone_work=_optional(form, "phone_work"),
    )
    checks = _Checks()
    checks.required(details.first_name, "first_name")
    checks.required(details.last_name, "last_name")
    if details.email:
        checks.run(partial(normalized_email, details.email))
    for name in ("phone_mobile", "phone_home", "phone_work"):
        if number := _optional(form, name):
            checks.run(partial(normalized_phone, number, name))
    checks.run(partial(validated_adult, details))
    checks.done()
    return details


def form_address(form: FormData) -> Address:
    address = Address(
        street=text(form, "street"),
        apartment=_optional(form, "apartment"),
        city=text(form, "city"),
        province=text(form, "province") or "QC",
        postal_code=text(form, "postal_code"),
    )
    checks = _Checks()
    checks.required(address.street, "street")
    checks.required(address.city, "city")
    if checks.required(address.postal_code, "postal_code"):
        checks.run(partial(normalized_postal_code, address.postal_code))
    checks.run(partial(validated_address, address))
    checks.done()
    return address


def _birth_date(checks: _Checks, value: str) -> dt.date | None:
    if not checks.required(value, "birth_date"):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        checks.reasons.setdefault("birth_date", "birth_date")
        return None


def child_details(form: FormData, today: dt.date) -> ChildDetails:
    """`today` is Quebec's date, which decides whether a birth date is plausible."""
    checks = _Checks()
    first_name, last_name = text(form, "first_name"), text(form, "last_name")
    checks.required(first_name, "first_name")
    checks.required(last_name, "last_name")
    born = _birth_date(checks, text(form, "birth_date"))
    if born is not None:
        checks.run(partial(valid_child_birth_date, born, today))
    sex = _SEXES.get(text(form, "sex"))
    if sex is None and text(form, "sex"):
        checks.reasons.setdefault("sex", "choice")
    number = _optional(form, "health_insurance_number")
    if number:
        checks.run(partial(normalized_health_insurance_number, number))
    checks.done()
    assert born is not None  # a missing or malformed date was refused above
    details = ChildDetails(
        first_name=first_name,
        last_name=last_name,
        birth_date=born,
        sex=sex,
        health_insurance_number=number,
    )
    checks.run(partial(validated_child, details, today))
    checks.done()
    return details


def health_sheet(form: FormData) -> HealthSheet:
    sheet = HealthSheet(
        wears_glasses=_checked(form, "wears_glasses"),
        wears_contacts=_checked(form, "wears_contacts"),
        epipen=_checked(form, "epipen"),
        medication=text(form, "medication"),
        allergies=text(form, "allergies"),
        health_notes=text(form, "health_notes"),
    )
    checks = _Checks()
    checks.run(partial(validated_health_sheet, sheet))
    checks.done()
    return sheet


def _contact_row(checks: _Checks, form: FormData, row: int) -> Contact | None:
    """The row's contact, or None for a row left blank (the form always offers spare rows)."""
    prefix = f"contact-{row}-"
    name, relationship, phone = (
        text(form, prefix + field) for field in ("name", "relationship", "phone")
    )
    if not (name.strip() or relationship.strip() or phone.strip()):
        return None
    kind = _KINDS.get(text(form, prefix + "kind"))
    if kind is None:
        checks.reasons.setdefault(prefix + "kind", "choice")
    checks.required(name, "name", prefix)
    checks.required(relationship, "relationship", prefix)
    if checks.required(phone, "phone", prefix):
        checks.run(partial(normalized_phone, phone, "phone"), prefix)
    return Contact(kind=kind or "emergency", name=name, relationship=relationship, phone=phone)


def contacts(form: FormData) -> list[Contact]:
    """The rows filled in, in the form's order; errors are keyed `contact-<row>-<field>`."""
    checks = _Checks()
    filled = [
        (row, contact)
        for row in range(CONTACT_ROWS)
        if (contact := _contact_row(checks, form, row)) is not None
    ]
    checks.done()
    try:
        validated_contacts([contact for _, contact in filled])
    except FamilyFileInvalid as exc:
        found = _CONTACT_FIELD.fullmatch(exc.field)
        anchor = f"contact-{filled[int(found[1])][0]}-{found[2]}" if found else exc.field
        raise FormInvalid({anchor: exc.reason}) from exc
    return [contact for _, contact in filled]


def tax_payer(form: FormData) -> tuple[int, str]:
    """The chosen adult's person id and the SIN as typed (the domain normalizes and encrypts)."""
    checks = _Checks()
    person, sin = text(form, "person_id").strip(), text(form, "sin")
    if checks.required(person, "person_id") and not person.isdigit():
        checks.reasons.setdefault("person_id", "choice")
    if checks.required(sin, "sin"):
        checks.run(partial(normalized_sin, sin))
    checks.done()
    return int(person), sin
