"""Locales, catalogs, money and dates, and the message behind every error code."""

from __future__ import annotations

import ast
import datetime as dt
from importlib import resources
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from rush.i18n import (
    DEFAULT_LOCALE,
    ERROR_CODES,
    SUPPORTED_LOCALES,
    error_message,
    format_date,
    format_date_range,
    format_datetime,
    format_money,
    gettext,
    negotiate_locale,
    translator,
)

RUSH = Path(__file__).resolve().parents[2] / "src" / "rush"
# Codes announced for the cart, checkout, payment and web layers, translated ahead of them.
COMING_CODES = (
    "terms_not_accepted",
    "cart_empty",
    "not_eligible_age",
    "already_registered",
    "already_in_cart",
    "child_cap_reached",
    "instalments_not_offered",
    "order_not_found",
    "invalid_webhook",
    "validation_failed",
    "not_found",
    "forbidden",
    "not_authenticated",
    "rate_limited",
)
NBSP = "\xa0"  # Babel separates French amounts and their $ with a no-break space.


def _catalog(folder: str) -> Catalog:
    path = resources.files("rush") / "locale" / folder / "LC_MESSAGES" / "rush.po"
    with path.open("rb") as source:
        return read_po(source, locale=folder)


def _template() -> Catalog:
    with (resources.files("rush") / "locale" / "rush.pot").open("rb") as source:
        return read_po(source)


def _error_codes_in_source() -> set[str]:
    """Every `code = "..."` a class of `src/rush` declares: the codes the web edge may meet."""
    codes = set()
    for path in RUSH.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                for statement in node.body:
                    if (
                        isinstance(statement, ast.Assign)
                        and [getattr(t, "id", None) for t in statement.targets] == ["code"]
                        and isinstance(statement.value, ast.Constant)
                    ):
                        codes.add(statement.value.value)
    return codes


def _placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(message) if name}


# -- negotiation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        (None, "fr-CA"),
        ("", "fr-CA"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR,en;q=0.5", "fr-CA"),
        ("fr-ca", "fr-CA"),
        ("de-DE, en;q=0.8, fr;q=0.7", "en"),
        ("en;q=0.2, fr-CA;q=0.9", "fr-CA"),
        ("de, es", "fr-CA"),
        ("en;q=0, de", "fr-CA"),
        ("*", "fr-CA"),
        ("en;q=oops, fr", "fr-CA"),
    ],
)
def test_the_header_picks_the_best_supported_locale_and_french_is_the_default(
    accept_language: str | None, expected: str
) -> None:
    assert negotiate_locale(accept_language) == expected


def test_an_explicit_choice_wins_over_the_header_when_supported() -> None:
    assert negotiate_locale("fr-CA,fr;q=0.9", explicit="en") == "en"
    assert negotiate_locale("en", explicit="fr_CA") == "fr-CA"
    assert negotiate_locale("en", explicit="de") == "en"
    assert negotiate_locale(None, explicit="") == DEFAULT_LOCALE


def test_an_unsupported_locale_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError, match="not one of"):
        translator("de")
    with pytest.raises(ValueError, match="not one of"):
        format_money(100, "fr")


# -- money and dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cents", "locale", "expected"),
    [
        (9_500, "fr-CA", f"95,00{NBSP}$"),
        (9_500, "en", "$95.00"),
        (0, "fr-CA", f"0,00{NBSP}$"),
        (123_450, "fr-CA", f"1{NBSP}234,50{NBSP}$"),
        (123_450, "en", "$1,234.50"),
        (5, "en", "$0.05"),
    ],
)
def test_money_is_written_in_canadian_dollars_the_way_each_locale_reads_it(
    cents: int, locale: str, expected: str
) -> None:
    assert format_money(cents, locale) == expected


@pytest.mark.parametrize(
    ("date", "locale", "expected"),
    [
        (dt.date(2026, 6, 29), "fr-CA", "29 juin 2026"),
        (dt.date(2026, 6, 29), "en", "June 29, 2026"),
        (dt.date(2026, 7, 1), "fr-CA", "1er juillet 2026"),
        (dt.date(2026, 7, 1), "en", "July 1, 2026"),
    ],
)
def test_dates_are_written_out_in_each_locale(date: dt.date, locale: str, expected: str) -> None:
    assert format_date(date, locale) == expected


def test_instants_are_shown_on_quebec_wall_clock_in_summer_and_in_winter() -> None:
    summer = dt.datetime(2026, 6, 29, 16, 5, tzinfo=dt.UTC)  # EDT, UTC-4
    winter = dt.datetime(2027, 1, 15, 14, 30, tzinfo=dt.UTC)  # EST, UTC-5
    assert format_datetime(summer, "fr-CA") == "29 juin 2026 à 12 h 05"
    assert format_datetime(winter, "fr-CA") == "15 janvier 2027 à 9 h 30"
    assert format_datetime(summer, "en") == "June 29, 2026 at 12:05 p.m."


def test_a_round_hour_reads_9_h_in_french_and_9_00_am_in_english() -> None:
    nine = dt.datetime(2026, 12, 3, 14, 0, tzinfo=dt.UTC)  # 9 h in Quebec, EST
    assert format_datetime(nine, "fr-CA") == "3 décembre 2026 à 9 h"
    assert format_datetime(nine, "en") == "December 3, 2026 at 9:00 a.m."


def test_a_naive_instant_is_refused_because_its_clock_is_unknown() -> None:
    with pytest.raises(ValueError, match="aware"):
        format_datetime(dt.datetime(2026, 6, 29, 12, 0), "fr-CA")


# -- error messages -----------------------------------------------------------------------------


def test_every_error_code_raised_in_rush_and_every_coming_one_has_a_message() -> None:
    missing = (_error_codes_in_source() | set(COMING_CODES)) - set(ERROR_CODES)
    assert not missing


@pytest.mark.parametrize("code", ERROR_CODES)
def test_every_error_message_is_translated_to_french_and_reads_without_placeholders(
    code: str,
) -> None:
    french, english = error_message(code, "fr-CA"), error_message(code, "en")
    assert french
    assert english
    assert french != english
    assert "{" not in french
    assert "{" not in english


def test_sold_out_says_how_many_places_are_left_in_the_right_number() -> None:
    assert error_message("sold_out", "fr-CA") == "Il ne reste plus de place dans ce groupe."
    assert error_message("sold_out", "fr-CA", places_left=0) == (
        "Il ne reste plus de place dans ce groupe."
    )
    assert error_message("sold_out", "fr-CA", places_left=1) == (
        "Il ne reste qu'une place dans ce groupe."
    )
    assert error_message("sold_out", "fr-CA", places_left=3) == (
        "Il ne reste que 3 places dans ce groupe."
    )
    assert error_message("sold_out", "en", places_left=3) == (
        "Only 3 places are left in this group."
    )


def test_the_child_cap_message_names_the_cap() -> None:
    assert "6 places par enfant" in error_message("child_cap_reached", "fr-CA", max_places=6)
    assert "6 places per child" in error_message("child_cap_reached", "en", max_places=6)


def test_an_unknown_code_still_gets_a_kind_generic_message() -> None:
    assert error_message("no_such_code", "fr-CA") == error_message("rush_error", "fr-CA")
    assert error_message("no_such_code", "fr-CA") == "Une erreur est survenue. Veuillez réessayer."


# -- catalogs -----------------------------------------------------------------------------------


def test_gettext_translates_a_message_id_and_falls_back_to_english() -> None:
    assert gettext("fr-CA", "Your cart is empty.") == "Votre panier est vide."
    assert gettext("en", "Your cart is empty.") == "Your cart is empty."
    assert gettext("fr-CA", "A message nobody translated") == "A message nobody translated"


def test_the_template_holds_exactly_the_messages_marked_in_the_code() -> None:
    keywords = {**DEFAULT_KEYWORDS, "gettext": (2,), "N_plural": (2, 3)}
    in_code = {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(str(RUSH), keywords=keywords)
    }
    in_template = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in _template()
        if message.id
    }
    assert in_code == in_template, "run the pybabel commands of rush.i18n's docstring"


@pytest.mark.parametrize("folder", ["fr_CA", "en"])
def test_each_catalog_translates_every_template_message_with_the_same_placeholders(
    folder: str,
) -> None:
    catalog = _catalog(folder)
    assert not list(catalog.check())
    for template_message in _template():
        if not template_message.id:
            continue
        message = catalog.get(template_message.id)
        assert message is not None, template_message.id
        assert not message.fuzzy, template_message.id
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(strings), message.id
        wanted = set().union(*(_placeholders(i) for i in ids))
        for string in strings:
            assert _placeholders(string) <= wanted, (message.id, string)


def test_the_catalogs_of_every_supported_locale_compile() -> None:
    assert {locale: translator(locale).info()["language"] for locale in SUPPORTED_LOCALES} == {
        "fr-CA": "fr_CA",
        "en": "en",
    }


@pytest.mark.parametrize(
    ("start", "end", "french", "english"),
    [
        (
            dt.date(2027, 6, 21),
            dt.date(2027, 6, 25),
            "du 21 au 25 juin 2027",
            "June 21 to 25, 2027",
        ),
        (
            dt.date(2027, 6, 28),
            dt.date(2027, 7, 2),
            "du 28 juin au 2 juillet 2027",
            "June 28 to July 2, 2027",
        ),
        (dt.date(2027, 7, 1), dt.date(2027, 7, 5), "du 1er au 5 juillet 2027", "July 1 to 5, 2027"),
    ],
)
def test_a_camp_week_reads_as_its_dates(
    start: dt.date, end: dt.date, french: str, english: str
) -> None:
    assert format_date_range(start, end, "fr-CA") == french
    assert format_date_range(start, end, "en") == english
