"""The family portal's public pages: French first, English on request, live places, CSRF."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from rush.config import Settings
from rush.engine.holds import HoldEngine
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.forms import csrf_of
from web.app import create_app

Client = AsyncTestClient[Any]


@pytest.fixture
async def browser(settings: Settings, clean: None) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(settings)) as client:
        yield client


async def test_pages_speak_french_first_and_english_on_request(browser: Client) -> None:
    home = await browser.get("/")
    assert home.status_code == 200
    assert 'lang="fr-CA"' in home.text
    assert "Inscrivez vos enfants" in home.text

    switched = await browser.get("/lang/en?next=/", follow_redirects=True)
    assert 'lang="en"' in switched.text
    assert "Register your children" in switched.text
    assert "Inscrivez vos enfants" not in (await browser.get("/")).text


async def test_the_catalogue_shows_live_places_in_the_familys_language(
    browser: Client, catalogue: CatalogueFactory, engine: HoldEngine
) -> None:
    camp = await catalogue.program([5, 1], 9500)
    page = await browser.get(f"/catalogue?sale_id={camp.sale_id}")
    assert page.status_code == 200
    assert "Il reste 5 places" in page.text
    assert "Il reste 1 place" in page.text
    assert "95,00" in page.text
    assert f'hx-get="/catalogue/programs/{camp.id}/places"' in page.text

    await engine.hold(camp.id, "someone", {camp.group_ids[1]: 1}, 60_000, 60_000)
    fragment = await browser.get(f"/catalogue/programs/{camp.id}/places")
    assert "Complet" in fragment.text
    assert "liste d&#39;attente" in fragment.text
    assert "<html" not in fragment.text


async def test_the_age_filter_keeps_only_groups_for_that_age(
    browser: Client, catalogue: CatalogueFactory
) -> None:
    await catalogue.program([5], ages=(3, 5))
    older = await catalogue.program([5], ages=(8, 12))
    page = await browser.get("/catalogue?age=9")
    assert page.text.count("<tr>") - 1 == 1  # one header row, one group row
    assert f"/catalogue/programs/{older.id}/places" in page.text


async def test_forms_refuse_a_post_without_the_csrf_token(browser: Client) -> None:
    form = await browser.get("/signup")
    fields = {
        "first_name": "Julie",
        "last_name": "Roy",
        "email": "julie@example.ca",
        "password": "mot de passe 123",
    }
    refused = await browser.post("/signup", data=fields)
    assert refused.status_code == 403

    accepted = await browser.post(
        "/signup", data={**fields, "_csrf_token": csrf_of(form.text)}, follow_redirects=False
    )
    assert accepted.status_code == 200
    assert 'href="/login"' in accepted.text


async def test_a_wrong_password_is_explained_in_french(browser: Client) -> None:
    form = await browser.get("/login")
    answer = await browser.post(
        "/login",
        data={"email": "nobody@example.ca", "password": "wrong", "_csrf_token": csrf_of(form.text)},
    )
    assert answer.status_code == 401
    assert 'role="alert"' in answer.text
    assert "mot de passe" in answer.text.lower()


async def test_pages_load_scripts_and_styles_from_the_app_only(browser: Client) -> None:
    home = await browser.get("/")
    sources = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', home.text)
    assert sources
    assert all(source.startswith("/static/") for source in sources)
    script = await browser.get(
        sources[-1] if sources[-1].endswith(".js") else "/static/htmx-2.0.11.min.js"
    )
    assert script.status_code == 200


async def test_the_catalogue_filters_programs_by_type(
    browser: Client, catalogue: CatalogueFactory, pool: Any
) -> None:
    camp = await catalogue.program([5])
    swim = await catalogue.program([5])
    await pool.execute("UPDATE program SET kind = 'swimming' WHERE id = $1", swim.id)
    page = await browser.get("/catalogue?kind=swimming")
    assert f"/catalogue/programs/{swim.id}/places" in page.text
    assert f"/catalogue/programs/{camp.id}/places" not in page.text
    assert "Natation" in page.text
