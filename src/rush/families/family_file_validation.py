"""The family file's one validation: each value checked and normalized here, for the API, the
pages and the workers alike.

A bad value raises `FamilyFileInvalid` naming the field and a machine reason the edge
translates. The `normalized_*` functions judge one value; the `validated_*` ones a whole piece.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence

from rush.families.family_file_types import (
    Address,
    AdultDetails,
    ChildDetails,
    Contact,
    FamilyFileInvalid,
    HealthSheet,
)
from rush.i18n import TIME_ZONE

__all__ = [
    "MAX_CHILD_AGE_YEARS",
    "MAX_CONTACTS",
    "PROVINCES",
    "normalized_email",
    "normalized_health_insurance_number",
    "normalized_phone",
    "normalized_postal_code",
    "normalized_sin",
    "quebec_today",
    "valid_child_birth_date",
    "validated_address",
    "validated_adult",
    "validated_child",
    "validated_contacts",
    "validated_health_sheet",
]

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


def quebec_today() -> dt.date:
    """The date in Quebec, which decides whether a birth date is plausible."""
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
