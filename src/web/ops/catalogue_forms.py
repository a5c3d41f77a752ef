"""The catalogue admin's forms: which inputs each one shows, and how their text becomes values.

Input names are the domain's field names, so an error raised for `capacity` lands on the
capacity input. Prices are typed in dollars ("95,00" or "95.00") and kept in cents; instants are
typed on Quebec's wall clock; caps' durations in minutes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

import msgspec

from rush.catalogue.checks import CatalogueInvalid
from rush.catalogue.fields import PROGRAM_KINDS, SALE_STATUSES
from rush.i18n import N_, TIME_ZONE

__all__ = [
    "CAP_FORM",
    "GROUP_FORM",
    "KIND_LABELS",
    "PROGRAM_FORM",
    "SALE_FORM",
    "SEASON_FORM",
    "STATUS_LABELS",
    "FormField",
    "form_values",
    "parse_form",
]


class FormField(NamedTuple):
    name: str
    label: str
    kind: str
    """text, textarea, date, datetime, number, money, minutes, choice, id or checkbox."""
    required: bool = True


STATUS_LABELS: Mapping[str, str] = dict(
    zip(SALE_STATUSES, (N_("Scheduled"), N_("Open"), N_("Paused"), N_("Closed")), strict=True)
)
KIND_LABELS: Mapping[str, str] = dict(
    zip(
        PROGRAM_KINDS,
        (
            N_("Day camp"),
            N_("Daycare"),
            N_("Swimming"),
            N_("Sport"),
            N_("Free activity"),
            N_("Other"),
        ),
        strict=True,
    )
)

_NAMES = (
    FormField("name_fr", N_("Name in French"), "text"),
    FormField("name_en", N_("Name in English"), "text"),
)
SEASON_FORM = (
    *_NAMES,
    FormField("starts_on", N_("First day"), "date"),
    FormField("ends_on", N_("Last day"), "date"),
    FormField("age_reference_date", N_("Ages computed on"), "date"),
)
SALE_FORM = (
    FormField("season_id", N_("Season"), "id"),
    *_NAMES,
    FormField("opens_at", N_("Opens at (Quebec time)"), "datetime"),
    FormField("closes_at", N_("Closes at (Quebec time)"), "datetime", required=False),
    FormField(
        "two_instalments_min_cents",
        N_("Two instalments from this cart total ($)"),
        "money",
        required=False,
    ),
    FormField("second_instalment_due_on", N_("Second instalment due on"), "date", required=False),
)
PROGRAM_FORM = (
    FormField("kind", N_("Kind"), "choice"),
    *_NAMES,
    FormField("description_fr", N_("Description in French"), "textarea", required=False),
    FormField("description_en", N_("Description in English"), "textarea", required=False),
    FormField("childcare_eligible", N_("Childcare expenses (Relevé 24)"), "checkbox"),
)
GROUP_FORM = (
    *_NAMES,
    FormField("capacity", N_("Capacity"), "number"),
    FormField("price_cents", N_("Price ($)"), "money"),
    FormField("age_min", N_("Minimum age"), "number", required=False),
    FormField("age_max", N_("Maximum age"), "number", required=False),
    FormField("starts_on", N_("First day"), "date", required=False),
    FormField("ends_on", N_("Last day"), "date", required=False),
    FormField("schedule_fr", N_("Schedule in French"), "text", required=False),
    FormField("schedule_en", N_("Schedule in English"), "text", required=False),
    FormField("week_number", N_("Week number"), "number", required=False),
    FormField("daycare_for_group_id", N_("Daycare for the group"), "id", required=False),
)
CAP_FORM = (
    FormField("program_id", N_("Program"), "id", required=False),
    FormField("max_places", N_("Places per child at most"), "number"),
    FormField(
        "for_seconds", N_("During the first minutes after opening"), "minutes", required=False
    ),
)


def _cents(text: str) -> int:
    amount = Decimal(text.replace(" ", "").replace("\xa0", "").replace("$", "").replace(",", "."))
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(text)
    return int(amount * 100)


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TIME_ZONE)


_PARSERS: Mapping[str, Callable[[str], Any]] = {
    "text": str,
    "textarea": str,
    "choice": str,
    "date": dt.date.fromisoformat,
    "datetime": _instant,
    "number": int,
    "id": int,
    "money": _cents,
    "minutes": lambda text: int(text) * 60,
}


def parse_form(fields: Sequence[FormField], form: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values, typed; the first missing or unreadable input raises for its field."""
    values: dict[str, Any] = {}
    for field in fields:
        raw = str(form.get(field.name, "")).strip()
        if field.kind == "checkbox":
            values[field.name] = bool(raw)
        elif not raw:
            if field.required:
                raise CatalogueInvalid(field.name)
            values[field.name] = "" if field.kind in ("text", "textarea") else None
        else:
            try:
                values[field.name] = _PARSERS[field.kind](raw)
            except (ValueError, ArithmeticError, InvalidOperation):
                raise CatalogueInvalid(field.name) from None
    return values


def _shown(kind: str, value: Any) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "on"
    if kind == "money":
        return str(Decimal(value).scaleb(-2).quantize(Decimal("0.01")))
    if kind == "datetime":
        return str(value.astimezone(TIME_ZONE).strftime("%Y-%m-%dT%H:%M"))
    if kind == "minutes":
        return str(value // 60)
    return str(value)


def form_values(fields: Sequence[FormField], saved: msgspec.Struct) -> dict[str, str]:
    """A saved entry as its form's inputs hold it."""
    return {field.name: _shown(field.kind, getattr(saved, field.name)) for field in fields}
