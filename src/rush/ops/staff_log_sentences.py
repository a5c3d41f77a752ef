"""Staff log entries as sentences in the reader's language ("Vente ouverte par Marie Roy").

The log keeps stable codes and JSON details, so an entry written in one language reads in
the other; this module is the one place that turns a code into words, for the dashboard's
log and for the message staff see right after acting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from rush.i18n import N_, N_plural, translator

__all__ = ["staff_action_sentence"]

_DONE: Final[dict[str, str]] = {
    "prepare": N_("Waiting room prepared"),
    "open": N_("Sale opened"),
    "pause": N_("Sale paused"),
    "resume": N_("Sale resumed"),
    "close": N_("Sale closed"),
    "pace": N_("Pace changed"),
    "self_pace": N_("Admission rate adjusted by self-pacing"),
    "self_pacing": N_("Self-pacing settings changed"),
    "capacity": N_("Capacity changed"),
    "extend_cart": N_("More time given"),
    "release_cart": N_("Held places released"),
    "season_create": N_("Season created"),
    "season_update": N_("Season updated"),
    "sale_create": N_("Sale created"),
    "sale_update": N_("Sale updated"),
    "program_create": N_("Program created"),
    "program_update": N_("Program updated"),
    "group_create": N_("Group created"),
    "group_update": N_("Group updated"),
    "child_cap_create": N_("Limit per child added"),
    "child_cap_update": N_("Limit per child changed"),
    "child_cap_delete": N_("Limit per child removed"),
    "export_registrations": N_("Registrations exported"),
    "export_health": N_("Health list exported"),
    "export_payments": N_("Payments exported"),
    "cancel_places": N_("Places cancelled"),
    "refund": N_("Refund made"),
    "attendance": N_("Attendance taken"),
    "publish_policy": N_("Terms published"),
    "family_approved": N_("Family file approved"),
    "family_refused": N_("Family file refused"),
}
_SOMETHING_DONE: Final = N_("Change made")

_RATE = N_plural("count", "{count} admission per minute", "{count} admissions per minute")
_SHOPPERS = N_plural("count", "{count} family at once", "{count} families at once")
_DRAWN = N_plural(
    "count", "{count} family drawn from the pre-queue", "{count} families drawn from the pre-queue"
)
_CAPACITY = N_plural("count", "group {group_id}: {count} place", "group {group_id}: {count} places")
_MORE_MINUTES = N_plural(
    "count",
    "{count} more minute for the cart of {email}",
    "{count} more minutes for the cart of {email}",
)
_RELEASED = N_plural(
    "count",
    "{count} place freed from the cart of {email}",
    "{count} places freed from the cart of {email}",
)
_RATE_CHANGE = N_plural(
    "count",
    "from {before} to {count} admission per minute",
    "from {before} to {count} admissions per minute",
)

Counted = Callable[..., str]
"""A counted message in the reader's language: `counted(message, count, **other_params)`."""


def _details(action: str, details: Mapping[str, Any], counted: Counted) -> list[str]:
    """The few figures worth reading for this action, each a phrase of its own."""
    match action:
        case "pace":
            phrases = []
            if details.get("rate_per_min") is not None:
                phrases.append(counted(_RATE, details["rate_per_min"]))
            if details.get("max_shoppers") is not None:
                phrases.append(counted(_SHOPPERS, details["max_shoppers"]))
            return phrases
        case "open" if "drawn" in details:
            return [counted(_DRAWN, details["drawn"])]
        case "capacity":
            return [counted(_CAPACITY, details["capacity"], group_id=details["group_id"])]
        case "extend_cart":
            return [counted(_MORE_MINUTES, details["minutes"], email=details["email"])]
        case "release_cart":
            return [counted(_RELEASED, details["released"], email=details["email"])]
        case "self_pace":
            return [counted(_RATE_CHANGE, details["rate_after"], before=details["rate_before"])]
    return []


def staff_action_sentence(
    action: str, details: Mapping[str, Any], locale: str, staff: str | None = None
) -> str:
    """What was done, by whom when `staff` is given: "Rythme changé par x@ville.qc.ca : 40
    familles à la fois", or without a name for the one who just did it: "Vente mise en pause"."""
    catalog = translator(locale)

    def counted(message: Any, count: int, **params: object) -> str:
        wording = catalog.ngettext(message.singular, message.plural, count)
        return wording.format(count=count, **params)

    done = catalog.gettext(_DONE.get(action, _SOMETHING_DONE))
    if staff is not None:
        done = catalog.gettext(N_("{done} by {staff}")).format(done=done, staff=staff)
    figures = _details(action, details, counted)
    if not figures:
        return done
    return catalog.gettext(N_("{done}: {details}")).format(done=done, details=", ".join(figures))
