"""Every domain error carries its HTTP status, a stable code, and a message in both languages."""

from __future__ import annotations

import importlib
import pkgutil
import re
from importlib import resources

import pytest
from babel.messages.pofile import read_po

import rush
import rush.errors
from rush.errors import RoomTransitionRefused, RushError, SaleNotOpen
from rush.i18n import SUPPORTED_LOCALES, error_message

_CATALOG_FOLDERS = {"fr-CA": "fr_CA", "en": "en"}
_TREE_ROW = re.compile(r"[├└]── (\w+)\s+(\d{3}) (\w+)")


def _all_subclasses(root: type[RushError]) -> list[type[RushError]]:
    found: list[type[RushError]] = []
    for child in root.__subclasses__():
        found += [child, *_all_subclasses(child)]
    return found


def _public_errors() -> list[type[RushError]]:
    """Every raisable `RushError` subclass of every `rush` module; private bases are not raised."""
    for module in pkgutil.walk_packages(rush.__path__, "rush."):
        importlib.import_module(module.name)
    errors = {e for e in _all_subclasses(RushError) if e.__module__.startswith("rush.")}
    return sorted((e for e in errors if not e.__name__.startswith("_")), key=lambda e: e.__name__)


ERRORS = _public_errors()


def _translations(locale: str) -> set[str]:
    """The translated, non-fuzzy strings of a locale's `rush` catalog."""
    folder = _CATALOG_FOLDERS[locale]
    path = resources.files("rush") / "locale" / folder / "LC_MESSAGES" / "rush.po"
    with path.open("rb") as source:
        catalog = read_po(source, locale=folder)
    return {m.string for m in catalog if m.id and isinstance(m.string, str) and not m.fuzzy}


def test_every_package_s_errors_are_found() -> None:
    names = {e.__name__ for e in ERRORS}
    assert {"PlacesShort", "CatalogueInvalid", "DatesOutOfOrder", "RefundRefused"} <= names
    assert len(ERRORS) > 45


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: e.__name__)
def test_every_error_sets_its_own_http_status(error: type[RushError]) -> None:
    owner = next(c for c in error.__mro__ if "status" in vars(c))
    assert owner is not RushError, f"{error.__name__} inherits the root's status"
    assert issubclass(owner, RushError)
    assert type(error.status) is int
    assert 400 <= error.status <= 599


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: e.__name__)
def test_every_error_has_its_own_code(error: type[RushError]) -> None:
    assert isinstance(error.code, str)
    assert re.fullmatch(r"[a-z]+(_[a-z]+)*", error.code)
    assert error.code != RushError.code


def test_one_code_always_answers_with_one_status() -> None:
    statuses: dict[str, set[int]] = {}
    for error in ERRORS:
        statuses.setdefault(error.code, set()).add(error.status)
    assert {code: s for code, s in statuses.items() if len(s) > 1} == {}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("error", ERRORS, ids=lambda e: e.__name__)
def test_every_error_has_a_message_of_its_own_in_each_language(
    error: type[RushError], locale: str
) -> None:
    message = error_message(error.code, locale)
    assert message != error_message(RushError.code, locale), "falls back to the generic message"
    assert message != error.code
    # gettext answers the English message id when a catalog lacks the entry.
    assert message in _translations(locale), f"{error.code} is not in the {locale} catalog"


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: e.__name__)
def test_the_french_message_is_not_the_english_one(error: type[RushError]) -> None:
    assert error_message(error.code, "fr-CA") != error_message(error.code, "en")


def test_the_tree_drawn_in_rush_errors_lists_every_error_with_its_status_and_code() -> None:
    drawn = {
        name: (int(status), code)
        for name, status, code in _TREE_ROW.findall(rush.errors.__doc__ or "")
    }
    assert drawn == {e.__name__: (e.status, e.code) for e in ERRORS}


def test_a_sale_s_state_does_not_hide_the_http_status() -> None:
    """The sale's state once sat in `status`, so the problem body said "paused" for 409."""
    refused = RoomTransitionRefused(7, "paused", "open")
    not_open = SaleNotOpen(7, "closed")
    assert (refused.status, refused.sale_status) == (409, "paused")
    assert (not_open.status, not_open.sale_status) == (409, "closed")
