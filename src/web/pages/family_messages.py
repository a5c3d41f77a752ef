"""What a parent reads when a family file form refuses a value, and the provinces they pick from.

The domain names a bad value by field and machine reason (`FamilyFileInvalid`); this module
turns that pair into one short sentence in the family's language, so every form of the file
explains the same mistake the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

from rush.i18n import N_

__all__ = ["PROVINCES", "FieldError", "field_errors", "province_names"]

Gettext = Callable[[str], str]

_BY_REASON: Mapping[str, str] = {
    "required": N_("This information is required."),
    "too_long": N_("This text is too long."),
    "too_many": N_("There are too many contacts."),
    "choice": N_("Choose one of the options offered."),
    "email": N_("Enter an email address such as name@example.ca."),
    "phone": N_("Enter a 10-digit phone number such as 418 555-1234."),
    "postal_code": N_("Enter a Canadian postal code such as G5H 1A1."),
    "province": N_("Choose a Canadian province or territory."),
    "sin": N_("Enter a valid 9-digit social insurance number."),
    "birth_date": N_("Enter a valid birth date: not in the future, at most 25 years ago."),
    "health_insurance_number": N_(
        "Enter the health insurance number as on the card: 4 letters and 8 digits."
    ),
    "not_an_adult": N_("Choose an adult of your family."),
    "not_a_child": N_("Choose a child of your family."),
}
# A few fields deserve a more precise sentence than their reason's.
_BY_FIELD_AND_REASON: Mapping[tuple[str, str], str] = {
    ("allergies", "required"): N_("Name the allergy the EpiPen is for."),
    ("person_id", "required"): N_("Choose the adult who receives the Relevé 24."),
}
_GENERIC = N_("Please check this information.")

PROVINCES: tuple[tuple[str, str], ...] = (
    ("QC", N_("Quebec")),
    ("AB", N_("Alberta")),
    ("BC", N_("British Columbia")),
    ("PE", N_("Prince Edward Island")),
    ("MB", N_("Manitoba")),
    ("NB", N_("New Brunswick")),
    ("NS", N_("Nova Scotia")),
    ("NU", N_("Nunavut")),
    ("ON", N_("Ontario")),
    ("SK", N_("Saskatchewan")),
    ("NL", N_("Newfoundland and Labrador")),
    ("NT", N_("Northwest Territories")),
    ("YT", N_("Yukon")),
)
"""Quebec first, as nearly every family lives there; then the others in French order."""


def province_names(gettext: Gettext) -> dict[str, str]:
    """Each province's code and name in the family's language, Quebec first."""
    return {code: gettext(name) for code, name in PROVINCES}


class FieldError(NamedTuple):
    """One refused value: the input it belongs to and the sentence shown next to it."""

    anchor: str
    """The input's name; its id is `f-<anchor>`."""
    field: str
    """Which kind of input, to find its label: "phone" for every contact row's phone."""
    row: int | None
    """The contact row (from 0), for the forms that repeat rows."""
    message: str


def _message(field: str, reason: str, gettext: Gettext) -> str:
    text = _BY_FIELD_AND_REASON.get((field, reason)) or _BY_REASON.get(reason, _GENERIC)
    return gettext(text)


def field_errors(
    reasons: Mapping[str, str], order: list[str], gettext: Gettext
) -> dict[str, FieldError]:
    """Each refused input's error, in the order of `order` (the form's inputs), so the first
    error is the first one on the page; reasons are keyed by anchor, "contact-2-phone" for rows.
    """

    def position(anchor: str) -> int:
        return order.index(anchor) if anchor in order else len(order)

    errors: dict[str, FieldError] = {}
    for anchor in sorted(reasons, key=position):
        row, _, field = anchor.removeprefix("contact-").partition("-")
        if anchor.startswith("contact-") and row.isdigit():
            errors[anchor] = FieldError(
                anchor, field, int(row), _message(field, reasons[anchor], gettext)
            )
        else:
            errors[anchor] = FieldError(
                anchor, anchor, None, _message(anchor, reasons[anchor], gettext)
            )
    return errors
