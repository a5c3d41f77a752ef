"""`/metrics`: the rush as the worker last saw it, HTTP latency by route template, and a
token that closes the door when one is set."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families

from rush.config import Settings
from rush.families.accounts import create_staff_account
from rush.services import Services
from tests.support.api_family import call, sign_up_with_two_children
from tests.support.catalogue_factory import CatalogueFactory
from web.app import create_app
from workers.jobs import publish_dashboards

Client = AsyncTestClient[Any]
CART_ROUTE = "/api/v1/sales/{sale_id}/cart/items"


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(text: str) -> Samples:
    """Every sample of a scrape, by name and labels."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def labelled(found: Samples, name: str, **labels: str) -> dict[str, float]:
    """Samples of one metric whose labels include these, by bucket (`le`) if any."""
    wanted = set(labels.items())
    return {
        dict(key).get("le", ""): value
        for (metric, key), value in found.items()
        if metric == name and wanted <= key
    }


@pytest.fixture
async def family(settings: Settings, clean: None) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(settings)) as client:
        yield client


@pytest.fixture
async def admin(settings: Settings, pool: asyncpg.Pool, clean: None) -> AsyncIterator[Client]:
    await create_staff_account(
        pool, email="admin@ville.qc.ca", password="admin password 1", role="admin"
    )
    async with AsyncTestClient(app=create_app(settings)) as client:
        await call(
            client,
            "post",
            "/api/v1/auth/login",
            json={"email": "admin@ville.qc.ca", "password": "admin password 1"},
        )
        yield client


def _cart_buckets(found: Samples) -> dict[str, float]:
    buckets: dict[str, float] = labelled(
        found,
        "rush_http_request_duration_seconds_bucket",
        method="POST",
        path=CART_ROUTE,
        status_code="200",
    )
    return buckets


async def test_a_hold_through_the_api_shows_in_the_groups_held_count_and_the_route_latency(
    family: Client, admin: Client, catalogue: CatalogueFactory, services: Services
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    camp = await catalogue.program([20, 8], sale_id=sale_id, ages=(5, 12))
    children = await sign_up_with_two_children(family)
    await call(admin, "post", f"/api/v1/ops/sales/{sale_id}/prepare")
    await call(family, "post", f"/api/v1/sales/{sale_id}/queue")
    await call(admin, "post", f"/api/v1/ops/sales/{sale_id}/open")
    token = (await call(family, "get", f"/api/v1/sales/{sale_id}/queue"))["admission_token"]
    # The HTTP histogram is process-wide (prometheus_client's registry): count from here.
    before = _cart_buckets(samples((await family.get("/metrics")).text))
    await call(
        family,
        "post",
        f"/api/v1/sales/{sale_id}/cart/items",
        headers={"rush-admission": token},
        json={"person_ids": children, "group_ids": [camp.group_ids[1]]},
    )
    assert await publish_dashboards({"services": services}) >= 1

    scrape = await family.get("/metrics")

    assert scrape.status_code == 200
    assert scrape.headers["content-type"].startswith("text/plain")
    found = samples(scrape.text)
    sale = str(sale_id)
    held = labelled(found, "rush_group_held", sale=sale, group=str(camp.group_ids[1]))
    left = labelled(found, "rush_group_places_left", sale=sale, group=str(camp.group_ids[1]))
    assert (held, left) == ({"": 2.0}, {"": 6.0})
    assert labelled(found, "rush_group_held", sale=sale, group=str(camp.group_ids[0])) == {"": 0.0}
    assert labelled(found, "rush_queue_families", sale=sale, state="shopping") == {"": 1.0}
    assert labelled(found, "rush_queue_admitted_total", sale=sale) == {"": 1.0}
    assert labelled(found, "rush_dashboard_snapshots") == {"": 1.0}
    buckets = _cart_buckets(found)
    assert buckets["+Inf"] - before.get("+Inf", 0.0) == 1.0
    assert len(buckets) > 5
    raw_paths = {dict(key).get("path", "") for _, key in found}
    assert f"/api/v1/sales/{sale_id}/cart/items" not in raw_paths


async def test_no_snapshot_yet_is_a_zero_not_an_error(family: Client) -> None:
    scrape = await family.get("/metrics")

    assert scrape.status_code == 200
    found = samples(scrape.text)
    assert labelled(found, "rush_dashboard_snapshots") == {"": 0.0}
    assert labelled(found, "rush_dashboard_read_ok") == {"": 1.0}


async def test_a_metrics_token_is_required_when_one_is_set(settings: Settings, clean: None) -> None:
    guarded = msgspec.structs.replace(settings, metrics_token="scrape-secret-1")
    async with AsyncTestClient(app=create_app(guarded)) as client:
        anonymous = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"authorization": "Bearer nope"})
        right = await client.get("/metrics", headers={"authorization": "Bearer scrape-secret-1"})

    assert (anonymous.status_code, wrong.status_code) == (401, 401)
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert "rush_" not in anonymous.text
    assert right.status_code == 200
    assert "rush_dashboard_snapshots" in right.text
