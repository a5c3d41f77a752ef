"""No English on a French page, no French on an English one.

The phrases come from the web catalog itself: every message whose French differs from its
English id, cut at its placeholders, keeping the pieces of more than three words (short
ones such as "Total" or "Date" are the same in both languages or too common to tell).
Each family-facing page is then read in both languages, text and the attributes a screen
reader speaks, and must hold none of the other language's phrases.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Iterator
from functools import cache
from importlib import resources
from typing import Any

import pytest
from babel.messages.pofile import read_po
from litestar.testing import AsyncTestClient

from rush.config import Settings
from rush.purchase.payments import SimulatedProvider
from rush.services import Services
from tests.support.api_family import admitted_family
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.paid_orders import check_out, put_in_cart
from web.app import create_app

Client = AsyncTestClient[Any]
WEB_CATALOG = resources.files("web") / "i18n" / "fr_CA" / "LC_MESSAGES" / "web.po"
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")
_SPOKEN_ATTRIBUTES = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"')


def _texts(value: str | tuple[str, ...] | None) -> Iterator[str]:
    if isinstance(value, tuple):
        yield from (v for v in value if v)
    elif value:
        yield value


def _phrases(text: str) -> set[str]:
    """The pieces of a message between its placeholders that have more than three words."""
    pieces = (" ".join(piece.split()) for piece in _PLACEHOLDER.split(text))
    return {piece for piece in pieces if len(piece.split()) > 3}


@cache
def catalog_phrases() -> tuple[frozenset[str], frozenset[str]]:
    """(English phrases, French phrases) of the messages whose two languages differ."""
    with WEB_CATALOG.open("rb") as source:
        catalog = read_po(source)
    english: set[str] = set()
    french: set[str] = set()
    for message in catalog:
        ids, strings = list(_texts(message.id)), list(_texts(message.string))
        if not ids or not strings or message.fuzzy:
            continue
        for msgid, msgstr in zip(ids, strings, strict=False):
            if msgid != msgstr:
                english |= _phrases(msgid)
                french |= _phrases(msgstr)
    shared = english & french
    return frozenset(english - shared), frozenset(french - shared)


def spoken_text(page: str) -> str:
    """What a reader sees or hears: the text and the spoken attributes, entities decoded."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    attributes = " | ".join(_SPOKEN_ATTRIBUTES.findall(body))
    text = re.sub(r"<[^>]+>", " ", body) + " | " + attributes
    return " ".join(html.unescape(text).replace("\u00a0", " ").split())


def other_language(text: str, phrases: frozenset[str]) -> list[str]:
    return sorted(phrase for phrase in phrases if phrase in text)


@pytest.fixture
async def anonymous(settings: Settings, clean: None) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(settings)) as client:
        yield client


def test_the_catalog_gives_enough_phrases_to_tell_the_languages_apart() -> None:
    english, french = catalog_phrases()
    assert "Add your children to your family file first." in english
    assert len(english) > 100
    assert len(french) > 100


async def mixed_languages(client: Client, path: str) -> dict[str, list[str]]:
    """The other language's phrases found on the page, read in French then in English."""
    english, french = catalog_phrases()
    joiner = "&" if "?" in path else "?"
    mixed: dict[str, list[str]] = {}
    for lang, own, foreign in (("fr-CA", french, english), ("en", english, french)):
        answer = await client.get(f"{path}{joiner}lang={lang}")
        assert answer.status_code == 200, (path, lang)
        text = spoken_text(answer.text)
        assert other_language(text, own), f"{path} ({lang}) shows none of its own phrases"
        if found := other_language(text, foreign):
            mixed[f"{path} ({lang})"] = found
    return mixed


async def test_family_pages_never_mix_english_and_french(
    family_client: Client,
    admin_client: Client,
    anonymous: Client,
    catalogue: CatalogueFactory,
    services: Services,
    provider: SimulatedProvider,
) -> None:
    camp, children, _ = await admitted_family(family_client, admin_client, catalogue, 5)
    sale_id = camp.sale_id
    family_id = await services.pool.fetchval(
        "SELECT family_id FROM account WHERE email = 'famille@example.ca'"
    )
    mixed: dict[str, list[str]] = {}
    for path in ("/", f"/catalogue?sale_id={sale_id}", "/signup", "/login", "/terms"):
        mixed |= await mixed_languages(anonymous, path)
    for path in (
        "/family",
        f"/sales/{sale_id}/ready",
        f"/sales/{sale_id}/register?program_id={camp.id}",
        f"/sales/{sale_id}/queue",
    ):
        mixed |= await mixed_languages(family_client, path)
    await put_in_cart(services, family_id, sale_id, children[:1], camp.group_ids)
    mixed |= await mixed_languages(family_client, f"/sales/{sale_id}/cart")
    order = await check_out(services, provider, family_id, sale_id)
    mixed |= await mixed_languages(family_client, f"/orders/{order.order_id}")
    mixed |= await mixed_languages(family_client, "/records")

    assert mixed == {}
