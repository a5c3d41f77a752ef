"""The HTTP edge, served by the real app factory against the real servers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from rush.config import load_settings
from rush.dev.servers import ServerUrls
from rush.engine.holds import HoldEngine
from tests.support.catalogue_factory import CatalogueFactory
from web.app import create_app


@pytest.fixture
async def client(migrated: ServerUrls, clean: None) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    settings = msgspec.structs.replace(
        load_settings({"RUSH_ENV": "development"}),
        database_url=migrated.database_url,
        redis_url=migrated.redis_url,
    )
    async with AsyncTestClient(app=create_app(settings)) as client:
        yield client


async def test_health_answers_when_both_servers_answer(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "postgres": True, "redis": True}


async def test_groups_show_places_left_from_the_engine(
    client: AsyncTestClient,  # type: ignore[type-arg]
    catalogue: CatalogueFactory,
    engine: HoldEngine,
) -> None:
    program = await catalogue.program([5, 2])
    g1, g2 = program.group_ids
    await engine.hold(program.id, "cart", {g1: 3}, 60_000, 120_000)

    response = await client.get("/api/v1/groups", params={"program_id": program.id})

    assert response.status_code == 200
    assert {g["id"]: (g["capacity"], g["held"], g["places_left"]) for g in response.json()} == {
        g1: (5, 3, 2),
        g2: (2, 0, 2),
    }


async def test_groups_of_an_unknown_sale_are_an_empty_list(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/api/v1/groups", params={"sale_id": 12345})
    assert response.status_code == 200
    assert response.json() == []


async def test_a_malformed_filter_is_a_client_error(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/api/v1/groups", params={"sale_id": "abc"})
    assert response.status_code == 400


async def test_openapi_schema_lists_the_groups_endpoint(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/groups" in response.json()["paths"]
