"""A family's opening morning through the pages: prepare, wait, get admitted, hold, pay."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from cli.processes import build_worker
from rush.config import Settings
from rush.dev.mail_catcher import MailCatcher
from rush.families.family_file_storage import add_child
from rush.families.family_file_types import ChildDetails
from rush.purchase.payments import SimulatedProvider
from rush.room.sales import open_sale, prepare_room
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.forms import csrf_of
from web.app import create_app

Client = AsyncTestClient[Any]


@pytest.fixture
async def browser(settings: Settings, clean: None) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(settings)) as client:
        yield client


async def post_form(client: Client, url: str, form_page: str, data: dict[str, Any]) -> Any:
    page = await client.get(form_page)
    return await client.post(
        url, data={**data, "_csrf_token": csrf_of(page.text)}, follow_redirects=False
    )


async def test_a_family_prepares_waits_is_admitted_holds_and_pays_through_the_pages(
    browser: Client,
    catalogue: CatalogueFactory,
    services: Services,
    provider: SimulatedProvider,
    app_settings: Settings,
    catcher: MailCatcher,
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    camp = await catalogue.program(
        [10, 10], 9500, sale_id=sale_id, ages=(5, 12), daycare_capacities=[5]
    )
    credentials = {"email": "julie@example.ca", "password": "mot de passe 123"}
    signed = await post_form(
        browser, "/signup", "/signup", {"first_name": "Julie", "last_name": "Roy", **credentials}
    )
    assert "/login" in signed.text
    logged_in = await post_form(browser, "/login", "/login", credentials)
    assert logged_in.headers["location"] == "/family"
    family_id = await services.pool.fetchval(
        "SELECT family_id FROM account WHERE email = 'julie@example.ca'"
    )
    await services.pool.execute(  # as the emailed link does (tests/families/test_accounts.py)
        "UPDATE account SET email_confirmed_at = now() WHERE email = 'julie@example.ca'"
    )
    kids = [
        await add_child(
            services.pool,
            services.cipher,
            family_id,
            ChildDetails(first_name=n, last_name="Roy", birth_date=dt.date(2019, 4, 2)),
        )
        for n in ("Léa", "Noah")
    ]
    await prepare_room(services.pool, services.room, sale_id)

    register = await browser.get(f"/sales/{sale_id}/register?program_id={camp.id}")
    assert "Léa Roy" in register.text
    added = await post_form(
        browser,
        f"/sales/{sale_id}/register",
        f"/sales/{sale_id}/register?program_id={camp.id}",
        {
            "program_id": str(camp.id),
            "person_ids": [str(k) for k in kids],
            "group_ids": [str(camp.group_ids[0]), str(camp.daycare_ids[0])],
            "tshirt_size": "6-8",
        },
    )
    assert added.status_code in (302, 303)
    draft = await browser.get(f"/sales/{sale_id}/cart")
    assert "rien n&#39;est réservé" in draft.text
    assert "Léa Roy" in draft.text

    joined = await post_form(browser, f"/sales/{sale_id}/queue", f"/sales/{sale_id}/queue", {})
    assert joined.status_code in (302, 303)
    waiting = await browser.get(f"/sales/{sale_id}/queue")
    assert "salle d&#39;attente" in waiting.text.lower()
    await open_sale(services.pool, services.room, sale_id)
    status = await browser.get(f"/sales/{sale_id}/queue/status", headers={"hx-request": "true"})
    assert status.headers.get("hx-redirect") == f"/sales/{sale_id}/cart"

    cart = await browser.get(f"/sales/{sale_id}/cart")
    assert 'id="countdown"' in cart.text
    reading = await services.engine.places(camp.id, [camp.group_ids[0], camp.daycare_ids[0]])
    assert [p.held for p in reading.groups.values()] == [2, 2]

    paying = await browser.post(
        f"/sales/{sale_id}/checkout",
        data={"accept_terms": "on", "instalments": "1", "_csrf_token": csrf_of(cart.text)},
        follow_redirects=False,
    )
    payment_url = paying.headers["location"]
    assert "/sim-pay/" in payment_url
    webhook = await provider.complete(payment_url.rsplit("/", 1)[-1], True, int(time.time()))
    received = await browser.post(
        "/api/v1/payments/webhook",
        content=webhook.body,
        headers={"rush-signature": webhook.signature_header},
    )
    assert received.json() == {"recorded": True}
    worker = build_worker(app_settings, handle_signals=False, burst=True)
    try:
        await worker.main()
    finally:
        await worker.close()

    order_id = await services.pool.fetchval("SELECT id FROM orders WHERE family_id = $1", family_id)
    confirmation = await browser.get(f"/orders/{order_id}")
    assert "Votre inscription est confirmée" in confirmation.text
    assert "196,00" in confirmation.text
    subjects = [message["Subject"] for message in catcher.messages]
    assert any("confirm" in subject.lower() for subject in subjects[1:]), subjects


async def test_family_pages_send_an_anonymous_visitor_to_log_in(
    browser: Client, catalogue: CatalogueFactory
) -> None:
    sale_id = await catalogue.sale(status="open")
    answer = await browser.get(f"/sales/{sale_id}/cart", follow_redirects=False)
    assert answer.status_code in (302, 303)
    assert answer.headers["location"].startswith("/login")
