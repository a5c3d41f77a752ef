"""One way to add a child: the API refuses what the family file's pages refuse, with the same
problem document as other refused values, and stores a child exactly as the pages do."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
from litestar.testing import AsyncTestClient

from rush.config import Settings
from rush.families.family_file_storage import get_family_file
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.ops_sessions import signed_in_family

Client = AsyncTestClient[Any]

LEA = {
    "first_name": "Léa",
    "last_name": "Roy",
    "birth_date": "2018-04-02",
    "sex": "f",
    "health_insurance_number": "royl 1804 0211",
}


@pytest.fixture
async def family(
    settings: Settings, pool: asyncpg.Pool, catalogue: CatalogueFactory
) -> AsyncIterator[tuple[int, Client]]:
    """A family without children, signed in."""
    family_id = (await catalogue.family()).id
    client = await signed_in_family(settings, pool, family_id)
    yield family_id, client
    await client.__aexit__(None, None, None)


@pytest.fixture
async def other_family(
    settings: Settings, pool: asyncpg.Pool, catalogue: CatalogueFactory
) -> AsyncIterator[tuple[int, Client]]:
    family_id = (await catalogue.family()).id
    client = await signed_in_family(settings, pool, family_id)
    yield family_id, client
    await client.__aexit__(None, None, None)


async def post_child(client: Client, body: dict[str, str], query: str = "") -> httpx.Response:
    return await client.post(
        f"/api/v1/family/children{query}",
        json=body,
        headers={"x-csrftoken": client.cookies["csrftoken"]},
    )


async def submit_child_form(client: Client, form: dict[str, str]) -> httpx.Response:
    """Post the "Add a child" form as a browser does, with the CSRF token of its page."""
    page = (await client.get("/family/children/new")).text
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page)
    assert token, "the page carries no CSRF token"
    return await client.post(
        "/family/children/new",
        data={**form, "_csrf_token": token.group(1)},
        follow_redirects=False,
    )


async def children_of(pool: asyncpg.Pool, family_id: int) -> int:
    count: int = await pool.fetchval(
        "SELECT count(*) FROM person WHERE family_id = $1 AND role = 'child'", family_id
    )
    return count


def children_section(overview: str, child_id: int) -> str:
    """The overview's list of children, the child's id blanked so two families compare."""
    found = re.search(r'<section aria-labelledby="children-title">.*?</section>', overview, re.S)
    assert found, "the overview has no children section"
    return re.sub(rf"(child-|/children/){child_id}\b", r"\1<id>", found.group(0))


@pytest.mark.parametrize(
    ("refused", "field"),
    [
        ({"birth_date": "0001-01-01"}, "birth_date"),
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"first_name": "   "}, "first_name"),
        ({"health_insurance_number": "1234"}, "health_insurance_number"),
    ],
)
async def test_the_api_refuses_an_implausible_child_as_the_pages_do_and_stores_nothing(
    family: tuple[int, Client],
    pool: asyncpg.Pool,
    refused: dict[str, str],
    field: str,
) -> None:
    family_id, client = family
    answer = await post_child(client, {**LEA, **refused})
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert (problem["code"], problem["field"]) == ("family_file_invalid", field)
    assert (
        problem["detail"]
        == "Veuillez vérifier les renseignements inscrits dans votre dossier familial."
    )
    assert await children_of(pool, family_id) == 0


async def test_a_refused_child_is_explained_in_the_language_the_api_was_asked_in(
    family: tuple[int, Client],
) -> None:
    _, client = family
    answer = await post_child(client, {**LEA, "birth_date": "0001-01-01"}, "?lang=en")
    assert answer.status_code == 400
    assert answer.headers["content-language"] == "en"
    assert answer.json()["detail"] == "Please check the information entered in your family file."


async def test_a_child_added_through_the_api_is_stored_and_shown_as_one_added_through_the_pages(
    family: tuple[int, Client],
    other_family: tuple[int, Client],
    pool: asyncpg.Pool,
    services: Services,
) -> None:
    api_family_id, api_client = family
    page_family_id, page_client = other_family
    answer = await post_child(api_client, {**LEA, "first_name": "  Léa "})
    assert answer.status_code == 201, answer.text
    added = await submit_child_form(page_client, LEA)
    assert added.headers["location"] == "/family"

    [by_api] = (await get_family_file(pool, services.cipher, api_family_id)).children
    [by_page] = (await get_family_file(pool, services.cipher, page_family_id)).children
    assert by_api.details == by_page.details
    assert by_api.details.first_name == "Léa"
    assert by_api.details.health_insurance_number == "ROYL 1804 0211"
    assert answer.json() == {
        "id": by_api.id,
        "family_id": api_family_id,
        "role": "child",
        "first_name": "Léa",
        "last_name": "Roy",
        "birth_date": "2018-04-02",
    }
    stored = await pool.fetchval(
        "SELECT health_insurance_number_encrypted FROM person WHERE id = $1", by_api.id
    )
    assert b"1804" not in stored
    api_overview = (await api_client.get("/family")).text
    page_overview = (await page_client.get("/family")).text
    assert "Léa Roy" in api_overview
    assert children_section(api_overview, by_api.id) == children_section(page_overview, by_page.id)
