"""The family file pages ("Mon dossier familial"): filled through the forms, read back in French,
refused values explained next to their field, the SIN never shown, readiness before a sale, and
no family ever reaching another's file."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from rush.config import Settings
from rush.crypto import FieldCipher
from rush.families.family_file_storage import (
    add_adult,
    add_child,
    get_family_file,
    set_address,
    set_contacts,
    set_health_sheet,
    set_tax_payer,
    tax_payer_sin,
)
from rush.families.family_file_types import (
    Address,
    AdultDetails,
    ChildDetails,
    Contact,
    HealthSheet,
)
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.forms import csrf_of
from web.app import create_app

Client = AsyncTestClient[Any]

VALID_SIN = "046 454 286"
SIN_SHAPES = ("046454286", "046 454 286", "046-454-286")
PERSON_PARAM = "{person_id:int}"


@pytest.fixture
async def browser(settings: Settings, clean: None) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(settings)) as client:
        yield client


@pytest.fixture
async def other_browser(settings: Settings, clean: None) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(settings)) as client:
        yield client


def text_of(response: httpx.Response) -> str:
    """The page as a reader sees it: entities decoded ("d'urgence", not "d&#39;urgence")."""
    return html.unescape(response.text)


async def submit(client: Client, url: str, data: dict[str, str]) -> httpx.Response:
    """Post a form the way a browser does: with the CSRF token of a page of the session."""
    form = await client.get("/family")
    return await client.post(
        url, data={**data, "_csrf_token": csrf_of(form.text)}, follow_redirects=False
    )


async def sign_up(client: Client, pool: asyncpg.Pool, email: str, first: str, last: str) -> int:
    """Sign up through the page, then log in with the password chosen (sign-up signs no one
    in); the new family's id."""
    password = "mot de passe 123"
    form = await client.get("/signup")
    signed = await client.post(
        "/signup",
        data={
            "first_name": first,
            "last_name": last,
            "email": email,
            "password": password,
            "_csrf_token": csrf_of(form.text),
        },
    )
    assert signed.status_code == 200
    form = await client.get("/login")
    logged_in = await client.post(
        "/login",
        data={"email": email, "password": password, "_csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert logged_in.headers["location"] == "/family"
    family_id: int = await pool.fetchval("SELECT family_id FROM account WHERE email = $1", email)
    return family_id


async def person_id(pool: asyncpg.Pool, family_id: int, first_name: str) -> int:
    found: int = await pool.fetchval(
        "SELECT id FROM person WHERE family_id = $1 AND first_name = $2", family_id, first_name
    )
    return found


def saved(response: httpx.Response) -> None:
    assert response.status_code in (302, 303), response.text
    assert response.headers["location"] == "/family"


def family_routes(app: Litestar) -> list[HTTPRoute]:
    return [r for r in app.routes if isinstance(r, HTTPRoute) and r.path.startswith("/family")]


async def test_a_family_fills_every_part_of_its_file_and_reads_it_back_in_french(
    browser: Client, pool: asyncpg.Pool, settings: Settings
) -> None:
    family_id = await sign_up(browser, pool, "julie@example.ca", "Julie", "Roy")
    empty = text_of(await browser.get("/family"))
    assert "Mon dossier familial" in empty
    assert "Aucune adresse pour l'instant." in empty

    julie = await person_id(pool, family_id, "Julie")
    saved(
        await submit(
            browser,
            f"/family/adults/{julie}",
            {"first_name": "Julie", "last_name": "Roy", "phone_mobile": "(418) 555-1234"},
        )
    )
    saved(
        await submit(
            browser,
            "/family/adults/new",
            {"first_name": "Marc", "last_name": "Tremblay", "email": "marc@EXAMPLE.ca"},
        )
    )
    saved(
        await submit(
            browser,
            "/family/address",
            {
                "street": "123, rue Principale",
                "city": "Mont-Joli",
                "province": "QC",
                "postal_code": "g5h1a1",
            },
        )
    )
    saved(
        await submit(
            browser,
            "/family/children/new",
            {
                "first_name": "Léa",
                "last_name": "Roy",
                "birth_date": "2018-04-02",
                "sex": "f",
                "health_insurance_number": "royl 1804 0211",
            },
        )
    )
    lea = await person_id(pool, family_id, "Léa")
    saved(
        await submit(
            browser,
            f"/family/children/{lea}/health",
            {"wears_glasses": "on", "epipen": "on", "allergies": "Arachides"},
        )
    )
    saved(
        await submit(
            browser,
            f"/family/children/{lea}/contacts",
            {
                "contact-0-kind": "emergency",
                "contact-0-name": "Louise Roy",
                "contact-0-relationship": "grand-mère",
                "contact-0-phone": "418 555 9876",
                "contact-1-kind": "pickup",
                "contact-1-name": "Paul Gagnon",
                "contact-1-relationship": "voisin",
                "contact-1-phone": "581-555-0101",
                "contact-2-kind": "emergency",
                "contact-2-name": "",
                "contact-2-relationship": "",
                "contact-2-phone": "",
            },
        )
    )
    marc = await person_id(pool, family_id, "Marc")
    saved(await submit(browser, "/family/tax-payer", {"person_id": str(marc), "sin": VALID_SIN}))

    overview = text_of(await browser.get("/family"))
    for shown in (
        "418 555-1234",
        "Marc Tremblay",
        "marc@example.ca",
        "123, rue Principale",
        "Mont-Joli (Québec)",
        "G5H 1A1",
        "Léa Roy",
        "Fiche santé et sécurité remplie",
        "1 personne à joindre en cas d'urgence",
        "1 personne autorisée à venir chercher l'enfant",
        "Au nom de Marc Tremblay, numéro d'assurance sociale *** *** 286.",
    ):
        assert shown in overview, shown
    assert 'lang="fr-CA"' in overview

    stored = await get_family_file(pool, FieldCipher(settings.encryption_key_list), family_id)
    child = stored.children[0]
    assert child.details.health_insurance_number == "ROYL 1804 0211"
    assert child.health_sheet is not None
    assert (child.health_sheet.wears_glasses, child.health_sheet.epipen) == (True, True)
    assert child.health_sheet.wears_contacts is False
    assert [(c.kind, c.phone) for c in child.contacts] == [
        ("emergency", "418 555-9876"),
        ("pickup", "581 555-0101"),
    ]


async def test_the_forms_show_what_is_on_file_for_editing(
    browser: Client, pool: asyncpg.Pool
) -> None:
    family_id = await sign_up(browser, pool, "julie@example.ca", "Julie", "Roy")
    saved(
        await submit(
            browser,
            "/family/children/new",
            {"first_name": "Noah", "last_name": "Roy", "birth_date": "2019-06-01"},
        )
    )
    noah = await person_id(pool, family_id, "Noah")
    saved(
        await submit(
            browser,
            f"/family/children/{noah}/contacts",
            {
                "contact-0-kind": "pickup",
                "contact-0-name": "Paul Gagnon",
                "contact-0-relationship": "voisin",
                "contact-0-phone": "5815550101",
            },
        )
    )
    details = await browser.get(f"/family/children/{noah}")
    assert 'value="2019-06-01"' in details.text
    contacts = await browser.get(f"/family/children/{noah}/contacts")
    assert 'value="581 555-0101"' in contacts.text
    assert '<option value="pickup" selected>' in contacts.text
    # The saved row plus four empty ones to add more without JavaScript.
    assert contacts.text.count("<fieldset") == 5


async def test_an_invalid_postal_code_is_explained_in_french_next_to_the_field_and_not_saved(
    browser: Client, pool: asyncpg.Pool
) -> None:
    await sign_up(browser, pool, "julie@example.ca", "Julie", "Roy")
    refused = await submit(
        browser,
        "/family/address",
        {"street": "123, rue Principale", "city": "", "province": "QC", "postal_code": "12345"},
    )
    assert refused.status_code == 400
    page = text_of(refused)
    assert 'role="alert"' in page
    assert "Entrez un code postal canadien, comme G5H 1A1." in page
    assert "Cette information est obligatoire." in page  # the city, reported in the same answer
    assert 'aria-describedby="f-postal_code-hint f-postal_code-error"' in page
    assert 'id="f-postal_code-error"' in page
    # Focus goes to the first refused input of the page: the city comes before the postal code.
    assert re.search(r'<input id="f-city"[^>]*aria-invalid="true" autofocus', page)
    assert 'value="12345"' in page  # what the parent typed is kept
    assert await pool.fetchval("SELECT count(*) FROM family_address") == 0


async def test_an_invalid_phone_is_explained_in_french_and_the_adult_is_unchanged(
    browser: Client, pool: asyncpg.Pool
) -> None:
    family_id = await sign_up(browser, pool, "julie@example.ca", "Julie", "Roy")
    julie = await person_id(pool, family_id, "Julie")
    refused = await submit(
        browser,
        f"/family/adults/{julie}",
        {"first_name": "Juliette", "last_name": "Roy", "phone_home": "555-12"},
    )
    assert refused.status_code == 400
    page = text_of(refused)
    assert "Entrez un numéro de téléphone à 10 chiffres, comme 418 555-1234." in page
    assert 'id="f-phone_home-error"' in page
    row = await pool.fetchrow("SELECT first_name, phone_home FROM person WHERE id = $1", julie)
    assert (row["first_name"], row["phone_home"]) == ("Julie", None)


async def test_a_contact_row_with_a_bad_phone_is_pointed_at_and_no_contact_is_saved(
    browser: Client, pool: asyncpg.Pool
) -> None:
    family_id = await sign_up(browser, pool, "julie@example.ca", "Julie", "Roy")
    saved(
        await submit(
            browser,
            "/family/children/new",
            {"first_name": "Léa", "last_name": "Roy", "birth_date": "2018-04-02"},
        )
    )
    lea = await person_id(pool, family_id, "Léa")
    refused = await submit(
        browser,
        f"/family/children/{lea}/contacts",
        {
            "contact-0-kind": "emergency",
            "contact-0-name": "Louise Roy",
            "contact-0-relationship": "grand-mère",
            "contact-0-phone": "418 555-9876",
            "contact-1-kind": "emergency",
            "contact-1-name": "Paul Gagnon",
            "contact-1-relationship": "voisin",
            "contact-1-phone": "911",
        },
    )
    assert refused.status_code == 400
    page = text_of(refused)
    assert 'href="#f-contact-1-phone"' in page
    assert "Téléphone (Personne 2)" in page
    assert 'id="f-contact-1-phone-error"' in page
    assert await pool.fetchval("SELECT count(*) FROM person_contact") == 0


async def test_an_epipen_without_its_allergy_is_refused_with_a_precise_message(
    browser: Client, pool: asyncpg.Pool
) -> None:
    family_id = await sign_up(browser, pool, "julie@example.ca", "Julie", "Roy")
    saved(
        await submit(
            browser,
            "/family/children/new",
            {"first_name": "Léa", "last_name": "Roy", "birth_date": "2018-04-02"},
        )
    )
    lea = await person_id(pool, family_id, "Léa")
    refused = await submit(browser, f"/family/children/{lea}/health", {"epipen": "on"})
    assert refused.status_code == 400
    assert "Précisez l'allergie pour laquelle l'EpiPen est prévu." in text_of(refused)
    assert await pool.fetchval("SELECT count(*) FROM health_sheet") == 0


async def test_a_child_born_in_the_future_or_with_a_bad_health_number_is_refused(
    browser: Client, pool: asyncpg.Pool
) -> None:
    await sign_up(browser, pool, "julie@example.ca", "Julie", "Roy")
    refused = await submit(
        browser,
        "/family/children/new",
        {
            "first_name": "Léa",
            "last_name": "Roy",
            "birth_date": "2999-01-01",
            "health_insurance_number": "1234",
        },
    )
    assert refused.status_code == 400
    page = text_of(refused)
    assert "Entrez une date de naissance valide" in page
    assert "Entrez le numéro d'assurance maladie comme sur la carte" in page
    assert await pool.fetchval("SELECT count(*) FROM person WHERE role = 'child'") == 0


async def test_an_invalid_sin_is_refused_in_french_never_echoed_and_not_saved(
    browser: Client, pool: asyncpg.Pool
) -> None:
    family_id = await sign_up(browser, pool, "julie@example.ca", "Julie", "Roy")
    julie = await person_id(pool, family_id, "Julie")
    refused = await submit(
        browser, "/family/tax-payer", {"person_id": str(julie), "sin": "123 456 789"}
    )
    assert refused.status_code == 400
    page = text_of(refused)
    assert "Entrez un numéro d'assurance sociale valide de 9 chiffres." in page
    assert "123 456 789" not in page
    assert "123456789" not in page
    assert re.search(r'<input id="f-sin"[^>]*value=""', page)
    assert await pool.fetchval("SELECT count(*) FROM tax_payer") == 0


async def test_the_sin_never_appears_in_any_page_only_masked(
    browser: Client, pool: asyncpg.Pool, catalogue: CatalogueFactory, settings: Settings
) -> None:
    family_id = await sign_up(browser, pool, "julie@example.ca", "Julie", "Roy")
    julie = await person_id(pool, family_id, "Julie")
    saved(await submit(browser, "/family/tax-payer", {"person_id": str(julie), "sin": VALID_SIN}))
    saved(
        await submit(
            browser,
            "/family/children/new",
            {"first_name": "Léa", "last_name": "Roy", "birth_date": "2018-04-02"},
        )
    )
    lea = await person_id(pool, family_id, "Léa")
    sale_id = await catalogue.sale(status="scheduled")
    # Every page of the file, from the route table, with this family's own people.
    urls = [f"/sales/{sale_id}/ready"]
    for route in family_routes(browser.app):
        if PERSON_PARAM in route.path:
            urls += [route.path.replace(PERSON_PARAM, str(p)) for p in (julie, lea)]
        else:
            urls.append(route.path)
    pages = {url: await browser.get(url) for url in urls}
    for url, answer in pages.items():
        for shape in SIN_SHAPES:
            assert shape not in answer.text, url
    assert "*** *** 286" in text_of(pages["/family"])
    assert "*** *** 286" in text_of(pages["/family/tax-payer"])
    stored = await pool.fetchval("SELECT sin_encrypted FROM tax_payer")
    assert b"046454286" not in stored
    assert (
        await tax_payer_sin(pool, FieldCipher(settings.encryption_key_list), family_id)
        == "046454286"
    )


async def test_readiness_lists_what_is_missing_then_nothing_once_the_file_is_complete(
    browser: Client, pool: asyncpg.Pool, catalogue: CatalogueFactory
) -> None:
    family_id = await sign_up(browser, pool, "julie@example.ca", "Julie", "Roy")
    await pool.execute("UPDATE family SET status = 'pending' WHERE id = $1", family_id)
    saved(
        await submit(
            browser,
            "/family/children/new",
            {"first_name": "Léa", "last_name": "Roy", "birth_date": "2018-04-02"},
        )
    )
    lea = await person_id(pool, family_id, "Léa")
    sale_id = await catalogue.sale(status="scheduled")

    missing = text_of(await browser.get(f"/sales/{sale_id}/ready"))
    assert "Il manque encore 5 éléments à votre dossier familial :" in missing
    assert "Le Service des loisirs n'a pas encore approuvé votre dossier familial." in missing
    fixes = {
        "/family/address": "Ajoutez l'adresse de votre famille",
        "/family/tax-payer": "Choisissez qui reçoit le Relevé 24",
        f"/family/children/{lea}/health": "Remplissez la fiche santé et sécurité de Léa Roy",
        f"/family/children/{lea}/contacts": (
            "Ajoutez une personne à joindre en cas d'urgence pour Léa Roy"
        ),
    }
    for href, sentence in fixes.items():
        assert f'<a href="{href}">{sentence}</a>' in missing
    assert f'href="/sales/{sale_id}/register"' in missing
    assert f'href="/sales/{sale_id}/queue"' in missing

    julie = await person_id(pool, family_id, "Julie")
    saved(
        await submit(
            browser,
            "/family/address",
            {
                "street": "1, rue du Lac",
                "city": "Mont-Joli",
                "province": "QC",
                "postal_code": "G5H1A1",
            },
        )
    )
    saved(await submit(browser, "/family/tax-payer", {"person_id": str(julie), "sin": VALID_SIN}))
    saved(await submit(browser, f"/family/children/{lea}/health", {"wears_glasses": "on"}))
    saved(
        await submit(
            browser,
            f"/family/children/{lea}/contacts",
            {
                "contact-0-kind": "emergency",
                "contact-0-name": "Louise Roy",
                "contact-0-relationship": "grand-mère",
                "contact-0-phone": "418 555-9876",
            },
        )
    )
    await pool.execute("UPDATE family SET status = 'approved' WHERE id = $1", family_id)

    ready = text_of(await browser.get(f"/sales/{sale_id}/ready"))
    assert "Votre dossier familial est complet" in ready
    assert "Il manque encore" not in ready
    for href in fixes:
        assert f'href="{href}"' not in ready
    assert f'href="/sales/{sale_id}/register"' in ready


async def test_readiness_of_an_unknown_sale_is_not_found(
    browser: Client, pool: asyncpg.Pool
) -> None:
    await sign_up(browser, pool, "julie@example.ca", "Julie", "Roy")
    assert (await browser.get("/sales/999999/ready")).status_code == 404


async def test_a_pending_family_sees_clearly_that_it_waits_for_approval(
    browser: Client, pool: asyncpg.Pool
) -> None:
    family_id = await sign_up(browser, pool, "julie@example.ca", "Julie", "Roy")
    approved = text_of(await browser.get("/family"))
    assert "En attente d'approbation" not in approved
    await pool.execute("UPDATE family SET status = 'pending' WHERE id = $1", family_id)
    pending = text_of(await browser.get("/family"))
    assert re.search(r'role="status"[^>]*>\s*<p[^>]*><strong>En attente d\'approbation', pending)


async def test_a_family_that_chose_english_reads_its_file_and_errors_in_english(
    browser: Client, pool: asyncpg.Pool
) -> None:
    await sign_up(browser, pool, "julie@example.ca", "Julie", "Roy")
    await browser.get("/lang/en?next=/family")
    overview = text_of(await browser.get("/family"))
    assert 'lang="en"' in overview
    assert "Parents and guardians" in overview
    refused = await submit(
        browser,
        "/family/address",
        {"street": "1, rue du Lac", "city": "Mont-Joli", "province": "QC", "postal_code": "ZZZ"},
    )
    assert refused.status_code == 400
    assert "Enter a Canadian postal code such as G5H 1A1." in text_of(refused)


async def test_the_family_file_sends_an_anonymous_visitor_to_log_in(browser: Client) -> None:
    for url in ("/family", "/family/address", "/family/children/1/health"):
        answer = await browser.get(url, follow_redirects=False)
        assert answer.status_code in (302, 303), url
        assert answer.headers["location"].startswith("/login")


# -- one family never reaches another's file -----------------------------------------------------

# Valid for every form, so a refusal can only come from whose person it is.
ANY_FORM = {
    "first_name": "Intrus",
    "last_name": "Famille A",
    "birth_date": "2018-01-01",
    "sex": "",
    "phone_mobile": "418 555-0000",
    "wears_glasses": "on",
    "allergies": "Aucune",
    "contact-0-kind": "emergency",
    "contact-0-name": "Intrus",
    "contact-0-relationship": "inconnu",
    "contact-0-phone": "418 555-0000",
}
FAMILY_WIDE_ROUTES = {
    "/family",
    "/family/adults/new",
    "/family/address",
    "/family/children/new",
    "/family/tax-payer",
}
"""The routes without a person in the URL: they act on the signed-in family only."""


async def family_b(pool: asyncpg.Pool, cipher: FieldCipher, family_id: int) -> tuple[int, int]:
    """Family B's complete file, written through the domain; its adult and child ids."""
    adult = await add_adult(pool, family_id, AdultDetails(first_name="Zoé", last_name="Bouchard"))
    child = await add_child(
        pool,
        cipher,
        family_id,
        ChildDetails(
            first_name="Zacharie",
            last_name="Bouchard",
            birth_date=dt.date(2017, 3, 9),
            health_insurance_number="BOUZ 1703 0911",
        ),
    )
    await set_address(
        pool, family_id, Address(street="9, rue B", city="Rimouski", postal_code="G5L 1A1")
    )
    await set_health_sheet(
        pool,
        family_id,
        child,
        HealthSheet(wears_glasses=False, wears_contacts=False, epipen=True, allergies="Noix"),
    )
    await set_contacts(
        pool,
        family_id,
        child,
        [Contact(kind="emergency", name="Marie B", relationship="tante", phone="418 555-2222")],
    )
    await set_tax_payer(pool, cipher, family_id, adult, "130 692 544")
    return adult, child


async def test_a_family_can_never_see_or_change_another_familys_file(
    browser: Client, other_browser: Client, pool: asyncpg.Pool, settings: Settings
) -> None:
    cipher = FieldCipher(settings.encryption_key_list)
    await sign_up(browser, pool, "a@example.ca", "Alice", "Arsenault")
    b_id = await sign_up(other_browser, pool, "b@example.ca", "Bruno", "Bouchard")
    b_adult, b_child = await family_b(pool, cipher, b_id)
    b_ids = [r["id"] for r in await pool.fetch("SELECT id FROM person WHERE family_id = $1", b_id)]
    assert {b_adult, b_child} <= set(b_ids)
    before = await get_family_file(pool, cipher, b_id)

    routes = family_routes(browser.app)
    with_person = [r for r in routes if PERSON_PARAM in r.path]
    # Any other route must act on the signed-in family alone: a new kind of id in a URL has
    # to be added to this test rather than slip past it.
    assert {r.path for r in routes if r not in with_person} == FAMILY_WIDE_ROUTES
    assert len(with_person) >= 4

    token = csrf_of((await browser.get("/family")).text)
    tried = 0
    for route in with_person:
        for b_person in b_ids:
            url = route.path.replace(PERSON_PARAM, str(b_person))
            if "GET" in route.methods:
                seen = await browser.get(url)
                assert seen.status_code == 404, url
                assert "Bouchard" not in seen.text, url
                assert "Zacharie" not in seen.text, url
                tried += 1
            if "POST" in route.methods:
                changed = await browser.post(
                    url, data={**ANY_FORM, "_csrf_token": token}, follow_redirects=False
                )
                assert changed.status_code == 404, url
                tried += 1
    assert tried >= 2 * 2 * len(with_person)

    # The only form naming a person in its body: the Relevé 24's adult.
    payer = await browser.post(
        "/family/tax-payer",
        data={"person_id": str(b_adult), "sin": VALID_SIN, "_csrf_token": token},
        follow_redirects=False,
    )
    assert payer.status_code == 404

    assert await get_family_file(pool, cipher, b_id) == before
    assert await tax_payer_sin(pool, cipher, b_id) == "130692544"
    overview_a = text_of(await browser.get("/family"))
    assert "Bouchard" not in overview_a
    assert "Intrus" not in overview_a
