"""A parent finds the way by clicking: every page says where registration stands and links the
next step, and the catalogue's rows lead to registering (issue 14, first part)."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from rush.config import Settings
from rush.families.accounts import create_staff_account, set_family_status
from rush.services import Services
from tests.support.api_family import Client, call, open_sale, sign_up_with_two_children
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.forms import csrf_of
from web.app import create_app

_NOT_TO_FOLLOW = ("/static/", "/lang/", "/logout", "/api/", "/schema", "/sim-pay/")


def links(html: str) -> list[str]:
    return [href.replace("&amp;", "&") for href in re.findall(r'<a [^>]*href="([^"#]+)"', html)]


async def crawl(client: Client, start: str = "/", limit: int = 40) -> dict[str, int]:
    """Every local page reachable by following links from `start`, with its status."""
    seen: dict[str, int] = {}
    todo = deque([start])
    while todo and len(seen) < limit:
        url = todo.popleft()
        if url in seen:
            continue
        answer = await client.get(url)
        seen[url] = answer.status_code
        if answer.status_code != 200 or "text/html" not in answer.headers.get("content-type", ""):
            continue
        for href in links(answer.text):
            target = urljoin(url, href)
            if urlsplit(target).netloc or target.startswith(_NOT_TO_FOLLOW):
                continue
            todo.append(target)
    return seen


async def family_signed_up(client: Client, services: Services) -> int:
    await sign_up_with_two_children(client)
    family_id: int = await services.pool.fetchval(
        "SELECT family_id FROM account WHERE email = 'famille@example.ca'"
    )
    return family_id


async def test_a_signed_in_family_reaches_registration_by_clicking_from_home(
    family_client: Client, catalogue: CatalogueFactory, services: Services
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    await catalogue.program([10], sale_id=sale_id, ages=(5, 12))
    await family_signed_up(family_client, services)

    reached = await crawl(family_client)

    assert reached[f"/sales/{sale_id}/register"] == 200
    assert reached[f"/sales/{sale_id}/ready"] == 200
    assert all(status < 500 for status in reached.values()), reached


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("scheduled", ["/sales/{sale}/ready", "/sales/{sale}/register"]),
        ("open", ["/sales/{sale}/queue"]),
        ("paused", ["/sales/{sale}/queue"]),
        ("closed", ["/catalogue?sale_id={sale}"]),
    ],
)
async def test_every_page_links_the_step_that_fits_the_sale(
    family_client: Client,
    catalogue: CatalogueFactory,
    services: Services,
    status: str,
    expected: list[str],
) -> None:
    sale_id = await catalogue.sale(status=status)
    await family_signed_up(family_client, services)

    for page in ("/", "/catalogue", "/family", "/records"):
        html = (await family_client.get(page)).text
        banner = html.split('class="sale-banner"', 1)[1].split("</section>", 1)[0]
        for href in expected:
            assert href.format(sale=sale_id) in links(banner), (page, banner)


async def test_an_admitted_family_is_led_to_its_cart_and_a_visitor_to_sign_up(
    family_client: Client,
    admin_client: Client,
    catalogue: CatalogueFactory,
    services: Services,
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    camp = await catalogue.program([10], sale_id=sale_id, ages=(5, 12))
    await family_signed_up(family_client, services)
    await call(admin_client, "post", f"/api/v1/ops/sales/{sale_id}/prepare")
    await call(family_client, "post", f"/api/v1/sales/{sale_id}/queue")
    await open_sale(admin_client, camp)
    await family_client.get(f"/sales/{sale_id}/queue/status", headers={"hx-request": "true"})

    home = (await family_client.get("/")).text
    await family_client.post("/logout", data={"_csrf_token": csrf_of(home)})
    visitor = (await family_client.get("/")).text
    terms = await family_client.get("/terms")  # linked from every footer, read before signing up

    assert f"/sales/{sale_id}/cart" in links(home)
    assert "/signup" in links(visitor)
    assert "/terms" in links(visitor)
    assert terms.status_code == 200


async def test_the_catalogue_filter_accepts_empty_fields_and_its_rows_lead_to_registering(
    family_client: Client, catalogue: CatalogueFactory, services: Services
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    camp = await catalogue.program([10, 0], sale_id=sale_id, ages=(5, 12))
    await family_signed_up(family_client, services)

    filtered = await family_client.get("/catalogue?sale_id=&kind=&age=")
    register_links = [h for h in links(filtered.text) if "/register?" in h]
    register = await family_client.get(register_links[0])

    assert filtered.status_code == 200
    assert register_links == [
        f"/sales/{sale_id}/register?program_id={camp.id}&group_id={camp.group_ids[0]}"
    ]  # the full group offers its waitlist, not registering
    assert re.search(rf'value="{camp.group_ids[0]}"\s+checked', register.text)


async def test_a_family_pending_approval_is_still_shown_the_way(
    family_client: Client, catalogue: CatalogueFactory, services: Services
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    family_id = await family_signed_up(family_client, services)
    await set_family_status(services.pool, family_id, "pending")

    home = (await family_client.get("/")).text

    assert f"/sales/{sale_id}/ready" in links(home)


async def test_every_family_page_shows_the_help_line_from_the_settings(
    family_client: Client, app_settings: Settings
) -> None:
    french = (await family_client.get("/catalogue")).text
    english = (await family_client.get("/catalogue?lang=en")).text

    assert f'href="tel:{app_settings.help_phone.replace(" ", "").replace("-", "")}"' in french
    assert app_settings.help_hours_fr in french
    assert app_settings.help_hours_en in english


async def test_staff_land_on_their_own_pages_after_logging_in(
    settings: Settings, pool: asyncpg.Pool, clean: None
) -> None:
    await create_staff_account(
        pool, email="chef@ville.qc.ca", password="staff pw 123", role="admin"
    )
    async with AsyncTestClient(app=create_app(settings)) as staff:
        login = await staff.get("/login")
        answer = await staff.post(
            "/login",
            data={
                "email": "chef@ville.qc.ca",
                "password": "staff pw 123",
                "_csrf_token": csrf_of(login.text),
            },
            follow_redirects=False,
        )
        home = await staff.get("/")

    assert answer.headers["location"] == "/ops"
    assert "sale-banner" not in home.text  # the families' way in is not shown to staff
    assert 'class="staff"' in home.text  # staff pages use a desktop's width
