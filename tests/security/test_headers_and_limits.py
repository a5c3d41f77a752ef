"""Browser-side protections on every answer, and the queue door that cannot be hammered."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from rush.config import Settings
from rush.room.sales import prepare_room
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory
from web.app import create_app
from web.rate_limits import LOGINS_PER_MINUTE, QUEUE_JOINS_PER_MINUTE

Client = AsyncTestClient[Any]
TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "web" / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=", re.IGNORECASE)
PASSWORD = "correct horse battery staple"


@pytest.fixture
async def browser(settings: Settings, clean: None) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(settings)) as client:
        yield client


@pytest.mark.parametrize("path", ["/", "/catalogue", "/api/v1/groups", "/no-such-page", "/family"])
async def test_every_answer_forbids_framing_and_foreign_scripts(browser: Client, path: str) -> None:
    response = await browser.get(path, follow_redirects=False)
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["content-security-policy"].split(";")
    )
    assert policy["frame-ancestors"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_no_template_has_an_inline_script_the_policy_would_block() -> None:
    inline = [
        f"{template.relative_to(TEMPLATES)}: {found.group(0)}"
        for template in TEMPLATES.rglob("*.html")
        for found in INLINE_SCRIPT.finditer(template.read_text())
    ]
    assert inline == []
    assert '<script src="/static/rush.js" defer></script>' in (TEMPLATES / "base.html").read_text()


async def test_hsts_is_sent_only_when_the_site_is_served_over_https(settings: Settings) -> None:
    plain = settings
    tls = msgspec.structs.replace(settings, public_base_url="https://inscriptions.ville.qc.ca")
    async with AsyncTestClient(app=create_app(plain)) as client:
        assert "strict-transport-security" not in (await client.get("/")).headers
    async with AsyncTestClient(app=create_app(tls)) as client:
        assert (
            (await client.get("/"))
            .headers["strict-transport-security"]
            .startswith("max-age=31536000")
        )


async def test_a_family_hammering_the_queue_door_is_slowed_down_without_losing_its_place(
    browser: Client, services: Services, catalogue: CatalogueFactory
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    await catalogue.program([5], sale_id=sale_id)
    await prepare_room(services.pool, services.room, sale_id)
    family = await catalogue.family()
    email = await services.pool.fetchval(
        "SELECT email FROM account WHERE id = $1", family.account_id
    )
    await browser.get("/login")
    headers = {"x-csrftoken": browser.cookies["csrftoken"]}
    login = await browser.post(
        "/api/v1/auth/login", headers=headers, json={"email": email, "password": PASSWORD}
    )
    assert login.status_code == 200
    headers = {"x-csrftoken": browser.cookies["csrftoken"]}
    statuses = [
        (await browser.post(f"/api/v1/sales/{sale_id}/queue", headers=headers)).status_code
        for _ in range(QUEUE_JOINS_PER_MINUTE + 2)
    ]
    assert statuses[:QUEUE_JOINS_PER_MINUTE] == [200] * QUEUE_JOINS_PER_MINUTE
    assert statuses[-1] == 429
    refused = await browser.post(f"/api/v1/sales/{sale_id}/queue", headers=headers)
    assert refused.json()["code"] == "rate_limited"
    polled = await browser.get(f"/api/v1/sales/{sale_id}/queue")
    assert polled.status_code == 200  # polling is never limited, and the place is still there
    assert polled.json()["state"] == "prequeue"


async def test_an_address_gets_its_twenty_attempts_not_one_more_across_web_processes(
    settings: Settings, clean: None
) -> None:
    """Sixty sign-in attempts at once from one address, spread over two web processes (two
    apps sharing Redis): exactly the limit gets through, the rest are told when to come back.
    Counted with one atomic Redis round trip each: no process lock to queue behind (Litestar's
    limiter held one across two round trips), and no read-modify-write race between
    processes."""
    async with (
        AsyncTestClient(app=create_app(settings)) as one,
        AsyncTestClient(app=create_app(settings)) as two,
    ):
        for client in (one, two):
            await client.get("/login")
            client.headers["x-csrftoken"] = client.cookies["csrftoken"]
        answers = await asyncio.gather(
            *(
                # Another email each time: the per-account limit (10) stays out of the way.
                client.post(
                    "/api/v1/auth/login",
                    json={"email": f"nobody{n}@example.ca", "password": "not the password"},
                )
                for n in range(30)
                for client in (one, two)
            )
        )
    statuses = [a.status_code for a in answers]
    assert statuses.count(429) == len(answers) - LOGINS_PER_MINUTE, statuses
    refused = next(a for a in answers if a.status_code == 429)
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
