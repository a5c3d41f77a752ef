"""Words and formats on the family pages: times read "le 3 décembre 2026 à 9 h" in French and
"December 3, 2026 at 9:00 a.m." in English, and a sentence never ends in "a.m.."."""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from rush.config import Settings
from rush.purchase.payments import SimulatedProvider
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.ops_sessions import signed_in_family
from web.app import create_app

Client = AsyncTestClient[Any]


@pytest.fixture
async def browser(settings: Settings, clean: None) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(settings)) as client:
        yield client


def visible_text(page: str) -> str:
    """The page's text without tags, entities decoded and spaces collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


async def test_the_opening_time_reads_naturally_in_french_and_in_english(
    browser: Client, catalogue: CatalogueFactory, services: Services
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    await services.pool.execute(
        "UPDATE sale SET opens_at = '2026-12-03 14:00+00' WHERE id = $1", sale_id
    )

    french = visible_text((await browser.get("/")).text)
    assert "le 3 décembre 2026 à 9 h (heure du Québec)" in french
    assert "09 h 00" not in french

    english = visible_text((await browser.get("/?lang=en")).text)
    assert "December 3, 2026 at 9:00 a.m. (Quebec time)" in english
    assert "a.m.." not in english


async def test_half_past_reads_9_h_30_in_french(
    browser: Client, catalogue: CatalogueFactory, services: Services
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    await services.pool.execute(
        "UPDATE sale SET opens_at = '2026-12-03 14:30+00' WHERE id = $1", sale_id
    )

    french = visible_text((await browser.get("/")).text)

    assert "le 3 décembre 2026 à 9 h 30" in french


async def test_the_family_file_agrees_born_with_the_childs_sex(
    settings: Settings, catalogue: CatalogueFactory, services: Services
) -> None:
    family = await catalogue.family(
        children=[dt.date(2018, 5, 2), dt.date(2019, 6, 3), dt.date(2020, 7, 4)]
    )
    girl, boy, _unknown = family.child_ids
    await services.pool.execute("UPDATE person SET sex = 'f' WHERE id = $1", girl)
    await services.pool.execute("UPDATE person SET sex = 'm' WHERE id = $1", boy)
    client = await signed_in_family(settings, services.pool, family.id)
    try:
        french = visible_text((await client.get("/family")).text)
        english = visible_text((await client.get("/family?lang=en")).text)
    finally:
        await client.__aexit__(None, None, None)

    assert "Née le 2 mai 2018" in french
    assert "Né le 3 juin 2019" in french
    assert "Date de naissance : 4 juillet 2020" in french
    assert "(e)" not in french
    assert "Born on May 2, 2018" in english
    assert "Date of birth: July 4, 2020" in english


async def test_the_simulated_payment_page_speaks_the_familys_chosen_language(
    browser: Client, provider: SimulatedProvider
) -> None:
    opened = await provider.create_payment(uuid.uuid4(), 9_500, "k1", "Natation", "/records")
    await browser.get("/lang/en?next=/")  # the family chose English on the site

    page = (await browser.get(f"/sim-pay/{opened.ref}", headers={"accept-language": "fr"})).text

    assert '<html lang="en">' in page
    assert re.search(r"<title>Simulated payment[^<]*</title>", page)
    assert "<main>" in page
    assert "$95.00" in page
    assert "Paiement simulé" not in page

    french = (await browser.get(f"/sim-pay/{opened.ref}?lang=fr-CA")).text
    assert '<html lang="fr-CA">' in french
    assert "95,00\u00a0$" in french
    assert "Refuser la carte" in french


async def test_choosing_a_program_waits_for_the_show_button_instead_of_reloading(
    settings: Settings, catalogue: CatalogueFactory, services: Services
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    camp = await catalogue.program([10], sale_id=sale_id)
    family = await catalogue.family(children=[dt.date(2019, 4, 2)])
    client = await signed_in_family(settings, services.pool, family.id)
    try:
        page = (await client.get(f"/sales/{sale_id}/register")).text
        shown = (await client.get(f"/sales/{sale_id}/register?program_id={camp.id}")).text
        script = (await client.get("/static/rush.js")).text
    finally:
        await client.__aexit__(None, None, None)

    chooser = page.split('method="get"')[1].split("</form>")[0]
    assert "data-autosubmit" not in chooser
    assert re.search(r'<button type="submit"[^>]*>Afficher les groupes</button>', chooser)
    assert "<noscript>" not in chooser
    assert ".submit()" not in script
    assert 'name="group_ids"' in shown
