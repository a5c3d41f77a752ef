"""Locales, translated messages and locale-aware money and dates, French (fr-CA) first.

Catalogs are the `.po` files under `rush/locale/`, compiled in memory at first use (Babel's
`write_mo` into `gettext.GNUTranslations`), so no binary `.mo` is ever committed. Message ids
are English; a missing translation shows the English text.

To update the catalogs after changing a message in code::

    uv run pybabel extract --project=rush --no-location --sort-output \\
        -k gettext:2 -k N_plural:2,3 -o src/rush/locale/rush.pot src/rush
    uv run pybabel update -D rush -i src/rush/locale/rush.pot -d src/rush/locale

then translate the new or fuzzy entries of `fr_CA/LC_MESSAGES/rush.po` (and copy the English
text into `en/LC_MESSAGES/rush.po`) — or do all of it, for both gettext domains, with
`uv run python src/web/i18n/update_catalogs.py french.json`. A new locale starts with
`uv run pybabel init -D rush -i src/rush/locale/rush.pot -d src/rush/locale -l <locale>`.
`gettext:2` is there because `gettext(locale, message)` here takes the locale first.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
from decimal import Decimal
from functools import cache
from importlib import resources
from io import BytesIO
from typing import Final, NamedTuple
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_time as _babel_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

__all__ = [
    "DEFAULT_LOCALE",
    "ERROR_CODES",
    "N_",
    "SUPPORTED_LOCALES",
    "TIME_ZONE",
    "N_plural",
    "error_message",
    "format_date",
    "format_date_range",
    "format_datetime",
    "format_money",
    "format_number",
    "format_time",
    "gettext",
    "load_catalog",
    "negotiate_locale",
    "translator",
]

SUPPORTED_LOCALES: Final = ("fr-CA", "en")
DEFAULT_LOCALE: Final = "fr-CA"
TIME_ZONE: Final = ZoneInfo("America/Toronto")
"""Quebec's wall clock, in which every date and time is shown to families."""

_DOMAIN: Final = "rush"
# Catalog folder per locale, and the Babel locale used for numbers and dates: plain `en`
# would write CA$95.00, a Canadian reader expects $95.00.
_CATALOG: Final = {"fr-CA": "fr_CA", "en": "en"}
_FORMATS: Final = {"fr-CA": "fr_CA", "en": "en_CA"}


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for a deferred message
    """Mark a message for extraction; it is translated later, when a locale is known."""
    return message


class _Counted(NamedTuple):
    param: str
    singular: str
    plural: str


def N_plural(param: str, singular: str, plural: str) -> _Counted:  # noqa: N802
    """Mark a message whose wording depends on the number in `param`, for extraction."""
    return _Counted(param, singular, plural)


# -- negotiation ------------------------------------------------------------------------------


def _supported(tag: str) -> str | None:
    """The supported locale a language tag stands for: exact first, then by language.

    Babel's `negotiate_locale` would not send `fr-FR` to `fr-CA`, yet a reader of any French
    is better served in French than in the default of their second choice.
    """
    wanted = tag.strip().replace("_", "-").lower()
    for locale in SUPPORTED_LOCALES:
        if locale.lower() == wanted:
            return locale
    language = wanted.split("-")[0]
    for locale in SUPPORTED_LOCALES:
        if locale.lower().split("-")[0] == language:
            return locale
    return None


def _ranked_tags(accept_language: str) -> list[str]:
    """Language tags of an Accept-Language header, most wanted first; q=0 means "not this"."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag.strip() and quality > 0:
            ranked.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate_locale(accept_language: str | None, explicit: str | None = None) -> str:
    """The locale to answer in: an explicit choice if supported, else the header's best match.

    Falls back to fr-CA, the language of the municipality.
    """
    if explicit and (chosen := _supported(explicit)):
        return chosen
    for tag in _ranked_tags(accept_language or ""):
        if tag != "*" and (chosen := _supported(tag)):
            return chosen
    return DEFAULT_LOCALE


def _require_supported(locale: str) -> str:
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(f"locale {locale!r} is not one of {SUPPORTED_LOCALES}")
    return locale


# -- catalogs ---------------------------------------------------------------------------------


@cache
def load_catalog(package: str, folder: str, domain: str, locale: str) -> _gettext.GNUTranslations:
    """Compile `<package>/<folder>/<catalog>/LC_MESSAGES/<domain>.po` in memory, once.

    Any package can keep its own catalogs this way (the web pages keep theirs in `web`).
    """
    catalog = _CATALOG[_require_supported(locale)]
    po = resources.files(package) / folder / catalog / "LC_MESSAGES" / f"{domain}.po"
    with po.open("rb") as source:
        messages = read_po(source, locale=catalog, domain=domain)
    mo = BytesIO()
    write_mo(mo, messages)
    mo.seek(0)
    return _gettext.GNUTranslations(mo)


def translator(locale: str) -> _gettext.GNUTranslations:
    """The compiled catalog of a supported locale, built once per process."""
    return load_catalog("rush", "locale", _DOMAIN, locale)


def gettext(locale: str, message: str) -> str:
    """`message` (an English message id) in `locale`."""
    return translator(locale).gettext(message)


# -- formatting -------------------------------------------------------------------------------


def format_money(cents: int, locale: str) -> str:
    """An amount in Canadian dollars: "95,00 $" in fr-CA, "$95.00" in en."""
    amount = Decimal(cents).scaleb(-2)
    return format_currency(amount, "CAD", locale=_FORMATS[_require_supported(locale)])


def format_number(value: float, locale: str) -> str:
    """A figure for staff: "0,28" and "1 234" in fr-CA, "0.28" and "1,234" in en."""
    return format_decimal(value, format="#,##0.##", locale=_FORMATS[_require_supported(locale)])


def format_date(date: dt.date, locale: str) -> str:
    """A date written out: "29 juin 2026", "1er juillet 2026", "June 29, 2026"."""
    if _require_supported(locale) == "fr-CA" and date.day == 1:
        # French writes the first of the month as an ordinal; CLDR's pattern does not.
        return _babel_date(date, "d'er' MMMM y", locale=_FORMATS[locale])
    return _babel_date(date, "long", locale=_FORMATS[locale])


def format_date_range(start: dt.date, end: dt.date, locale: str) -> str:
    """A camp week's dates as a parent reads them: "du 21 au 25 juin 2027", "du 28 juin au
    2 juillet 2027", "June 21 to 25, 2027" (Babel's intervals abbreviate the months)."""
    babel_locale = _FORMATS[_require_supported(locale)]
    same_month = (start.year, start.month) == (end.year, end.month)
    if locale == "fr-CA":
        day = "d'er'" if start.day == 1 else "d"
        first = _babel_date(start, day if same_month else f"{day} MMMM", locale=babel_locale)
        return f"du {first} au {format_date(end, locale)}"
    first = _babel_date(start, "MMMM d", locale=babel_locale)
    if same_month:
        return f"{first} to {end.day}, {end.year}"
    return f"{first} to {format_date(end, locale)}"


def format_time(moment: dt.datetime, locale: str) -> str:
    """A wall-clock time in Quebec: "9 h", "9 h 30", "12 h 05" in fr-CA, "9:00 a.m." in en.

    French drops the leading zero and the ":00" of a round hour, which CLDR's "HH 'h' mm"
    keeps; English follows CLDR's en-CA, with a plain space before "a.m.".
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("format_time needs an aware datetime")
    local = moment.astimezone(TIME_ZONE)
    if _require_supported(locale) == "fr-CA":
        return f"{local.hour} h" if local.minute == 0 else f"{local.hour} h {local.minute:02d}"
    return _babel_time(local, "h:mm a", tzinfo=TIME_ZONE, locale=_FORMATS[locale])


def format_datetime(moment: dt.datetime, locale: str) -> str:
    """An instant on Quebec's wall clock: "3 décembre 2026 à 9 h", "December 3, 2026 at 9:00 a.m.".

    A long date with a short time, no seconds nor zone name. French sentences put "le" before
    it ("le 3 décembre 2026 à 9 h"). English ends with "a.m."/"p.m.": a sentence must not put
    its own period right after it. A naive datetime is refused, as its wall clock is unknown.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("format_datetime needs an aware datetime")
    local = moment.astimezone(TIME_ZONE)
    joiner = " à " if _require_supported(locale) == "fr-CA" else " at "
    return format_date(local.date(), locale) + joiner + format_time(local, locale)


# -- error messages ---------------------------------------------------------------------------

_ERROR_MESSAGES: Final[dict[str, str]] = {
    "rush_error": N_("Something went wrong. Please try again."),
    "sold_out": N_("There are no places left in this group."),
    "unknown_group": N_("This group is not open for registration."),
    "hold_expired": N_(
        "Your cart has expired and its places were released. Please add them again."
    ),
    "already_paid": N_("This registration has already been paid."),
    "capacity_below_committed": N_(
        "The capacity cannot be lower than the places already paid or held."
    ),
    "invalid_hold": N_("This request is not valid. Please check the places you chose."),
    "unknown_sale": N_("This registration period does not exist."),
    "sale_closed": N_("Registration for this period is closed."),
    "not_admitted": N_(
        "It is not your turn to register, or your turn has ended. "
        "Please go back to the waiting room."
    ),
    "invalid_admission": N_(
        "Your access to registration is no longer valid. Please go back to the waiting room."
    ),
    "invalid_queue_ticket": N_(
        "Your place in the waiting room could not be read. Please open the waiting room again."
    ),
    "room_transition_refused": N_("The waiting room cannot change to that state now."),
    "email_taken": N_("An account already uses this email address."),
    "invalid_credentials": N_("Incorrect email address or password."),
    "person_not_found": N_("This person is not part of your family file."),
    "invalid_cart": N_("This request is not valid. Please check the groups you chose."),
    "invalid_pacing": N_(
        "Self-pacing needs whole numbers: targets above zero, a floor of at least 1"
        " and a ceiling no lower than the floor."
    ),
    "sale_not_open": N_("Registration for this period is not open right now."),
    "terms_not_accepted": N_("Please accept the registration terms to continue."),
    "cart_empty": N_("Your cart is empty."),
    "not_eligible_age": N_("This person's age does not meet the requirements of this group."),
    "already_registered": N_("This person is already registered in this group."),
    "already_in_cart": N_("This person is already in your cart for this group."),
    "child_cap_reached": N_("This child has reached the maximum number of places for now."),
    "daycare_needs_week": N_(
        "A daycare slot goes with its camp week: choose the week for the same child too."
    ),
    "not_registered_in_group": N_("This child is not registered in this group."),
    "not_authorised_for_pickup": N_(
        "This person is not allowed to pick up this child: choose someone from the family's list."
    ),
    "instalments_not_offered": N_("Payment in instalments is not offered for this order."),
    "no_charge_to_retry": N_(
        "This second instalment cannot be charged now: it is paid, a charge is under way,"
        " or no card is saved."
    ),
    "instalment_consent_missing": N_(
        "To pay in two instalments, authorise the town to charge the second one to your card."
    ),
    "order_not_found": N_("We cannot find this order."),
    "places_available": N_("This group still has places: register directly instead."),
    "offer_not_available": N_("This offer is no longer available."),
    "family_file_invalid": N_("Please check the information entered in your family file."),
    "undecryptable_field": N_(
        "This confidential information can no longer be read. Please enter it again."
    ),
    "unknown_family": N_("We cannot find this family file."),
    "refusal_reason_invalid": N_(
        "Tell the family why its file is refused (2,000 characters at most)."
    ),
    "child_claimed_elsewhere": N_(
        "This child is already registered in the queue or a cart by another family. Only one"
        " family can register a child: call the recreation department."
    ),
    "email_not_confirmed": N_(
        "Confirm your email address before joining the queue: open the link in the email we"
        " sent you when you created your account."
    ),
    "account_pending": N_("Your family file is waiting for approval by the recreation department."),
    "invalid_account_link": N_("This link is no longer valid. Ask for a new one."),
    "receipt_unavailable": N_(
        "This document is not available: check that the payer is named in your family file"
        " and that the payment was received."
    ),
    "invalid_webhook": N_("This payment notice is not valid."),
    "validation_failed": N_("Some information is missing or incorrect. Please check the form."),
    "not_found": N_("We cannot find what you are looking for."),
    "body_malformed": N_("This request could not be read: send JSON encoded in UTF-8."),
    "body_too_large": N_("This request is too large to be read."),
    "unknown_fields": N_("This request has a field we do not know (see `fields`)."),
    "forbidden": N_("You are not allowed to do this."),
    "csrf_failed": N_("This form has expired. Reload the page, then try again."),
    "service_unavailable": N_("The service is catching its breath. Try again in a moment."),
    "servers_busy": N_(
        "Many families are arriving at the same time. Stay on this page and try again in a few"
        " seconds."
    ),
    "not_authenticated": N_("Please log in to continue."),
    "rate_limited": N_("Too many attempts. Please wait a moment, then try again."),
    "invalid_payment_request": N_("The payment could not be processed. Please try again."),
    "idempotency_key_reused": N_("This payment request conflicts with an earlier one."),
    "unknown_provider_payment": N_("We cannot find this payment."),
    "refund_refused": N_("This payment cannot be refunded."),
    "catalogue_invalid": N_("Please check this value: it is missing, too long or not valid."),
    "dates_out_of_order": N_("The end cannot come before the start."),
    "ages_out_of_order": N_("The minimum age cannot be higher than the maximum age."),
    "negative_amount": N_("Capacities, prices and ages cannot be negative."),
    "not_positive": N_("This number must be greater than zero."),
    "daycare_group_invalid": N_(
        "A daycare slot must go with another group of the same registration period."
    ),
    "catalogue_not_found": N_("We cannot find this item of the catalogue."),
    "policy_empty": N_("Write the text in French and in English."),
    "registration_not_found": N_("This registration is not part of this order."),
    "refund_amount_invalid": N_(
        "The refund cannot be negative nor exceed what the cancelled places cost"
        " and what was paid for them."
    ),
}

# Used instead of the plain message when the caller gives a positive count.
_COUNTED_ERROR_MESSAGES: Final[dict[str, _Counted]] = {
    "sold_out": N_plural(
        "places_left",
        "Only {places_left} place is left in this group.",
        "Only {places_left} places are left in this group.",
    ),
    "servers_busy": N_plural(
        "retry_after",
        "Many families are arriving at the same time. Stay on this page and try again in"
        " {retry_after} second.",
        "Many families are arriving at the same time. Stay on this page and try again in"
        " {retry_after} seconds.",
    ),
    "child_cap_reached": N_plural(
        "max_places",
        "Limit reached: only {max_places} place per child for now.",
        "Limit reached: at most {max_places} places per child for now.",
    ),
}

# Used instead of the plain message when the caller gives the town's `help_phone`.
_PHONE_ERROR_MESSAGES: Final[dict[str, str]] = {
    "child_claimed_elsewhere": N_(
        "This child is already registered in the queue or a cart by another family. Only one"
        " family can register a child: call the recreation department at {help_phone}."
    ),
}

ERROR_CODES: Final = tuple(_ERROR_MESSAGES)
"""Every error code with a message; `rush_error` is the kind fallback for any other code."""


def error_message(code: str, locale: str, **params: object) -> str:
    """The message a family reads for an error code, in their locale.

    `params` fill the named placeholders (`places_left`, `max_places`, `help_phone`); an
    unknown code gets the generic message, since the edge must always have something kind to
    say.
    """
    catalog = translator(locale)
    counted = _COUNTED_ERROR_MESSAGES.get(code)
    count = params.get(counted.param) if counted else None
    if counted and isinstance(count, int) and count > 0:
        return catalog.ngettext(counted.singular, counted.plural, count).format(**params)
    if code in _PHONE_ERROR_MESSAGES and params.get("help_phone"):
        return catalog.gettext(_PHONE_ERROR_MESSAGES[code]).format(**params)
    message = _ERROR_MESSAGES.get(code, _ERROR_MESSAGES["rush_error"])
    return catalog.gettext(message).format(**params)
