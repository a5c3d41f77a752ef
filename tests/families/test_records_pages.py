""" "Mon dossier" through the pages: a family's places, instalments, waitlist offers, and its
Relevé 24 and receipts as real PDFs, never another family's."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from rush.config import Settings
from rush.crypto import FieldCipher
from rush.families.family_file_storage import add_child
from rush.families.family_file_types import ChildDetails
from rush.i18n import format_date
from rush.purchase.payments import SimulatedProvider
from rush.purchase.waitlist import join_waitlist, offer_freed_places
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory, TestProgram
from tests.support.forms import csrf_of
from tests.support.paid_orders import (
    check_out,
    name_tax_payer,
    offer_two_instalments,
    program_of_kind,
    put_in_cart,
    set_paid_at,
)
from tests.support.pdf_text import pdf_text
from web.app import create_app

Client = AsyncTestClient[Any]
PASSWORD = "correct horse battery staple"  # what CatalogueFactory.family gives every account
SEVEN = dt.date(2020, 5, 1)


@dataclass(frozen=True)
class PaidFamily:
    id: int
    account_id: int
    child_id: int
    order_id: uuid.UUID


@pytest.fixture
async def browser(settings: Settings, clean: None) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(settings)) as client:
        yield client


@pytest.fixture
async def camp(catalogue: CatalogueFactory, services: Services) -> TestProgram:
    sale_id = await catalogue.sale()
    await offer_two_instalments(services.pool, sale_id)
    return await program_of_kind(
        catalogue, sale_id=sale_id, childcare=True, names=("Camp de jour", "Day camp"), weeks=2
    )


async def family_with_paid_camp(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    settings: Settings,
    camp: TestProgram,
    child_name: tuple[str, str],
) -> PaidFamily:
    """A family whose child has two camp weeks, the first of two instalments paid in July 2026."""
    pool = services.pool
    family = await catalogue.family()
    first_name, last_name = child_name
    details = ChildDetails(first_name=first_name, last_name=last_name, birth_date=SEVEN)
    child_id = await add_child(pool, services.cipher, family.id, details)
    await name_tax_payer(pool, FieldCipher(settings.encryption_key_list), family.id)
    await put_in_cart(services, family.id, camp.sale_id, [child_id], camp.group_ids)
    order = await check_out(services, provider, family.id, camp.sale_id, instalments=2)
    await set_paid_at(pool, order.order_id, 1, dt.datetime(2026, 7, 2, 16, tzinfo=dt.UTC))
    return PaidFamily(family.id, family.account_id, child_id, order.order_id)


async def log_in(client: Client, pool: asyncpg.Pool, account_id: int) -> None:
    email = await pool.fetchval("SELECT email FROM account WHERE id = $1", account_id)
    form = await client.get("/login")
    answer = await client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "_csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert answer.status_code in (302, 303)


def readable(html: str) -> str:
    """Page text with its no-break spaces as plain ones, as a reader sees "95,00 $"."""
    return html.replace("\xa0", " ").replace("\u202f", " ")


async def test_my_records_lists_the_registrations_and_the_instalments_in_french(
    browser: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    settings: Settings,
    camp: TestProgram,
) -> None:
    lea = await family_with_paid_camp(
        services, provider, catalogue, settings, camp, ("Léa", "Côté")
    )
    await log_in(browser, services.pool, lea.account_id)

    answer = await browser.get("/records")

    assert answer.status_code == 200
    text = readable(answer.text)
    assert 'lang="fr-CA"' in text
    assert "Léa Côté" in text
    assert "Camp de jour" in text
    assert "Day camp" not in text
    assert "Semaine 1" in text
    assert "29 juin 2026" in text
    assert "Versements" in text
    today = format_date(dt.date.today(), "fr-CA")
    assert f"Versement 1 : 95,00 $, payable le {today}" in text
    assert "Versement 2 : 95,00 $, payable le 1er juin 2027" in text
    assert "2 juillet 2026 à 12 h" in text  # when the first instalment was paid
    assert f'href="/records/releve24/{lea.child_id}/2026.pdf"' in text
    assert f'href="/records/receipts/{lea.order_id}.pdf"' in text

    english = readable((await browser.get("/records?lang=en")).text)
    assert "Day camp" in english
    assert "Instalment 2: $95.00, due June 1, 2027" in english


async def test_the_releve24_downloads_as_a_pdf_with_the_child_and_the_formatted_sin(
    browser: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    settings: Settings,
    camp: TestProgram,
) -> None:
    lea = await family_with_paid_camp(
        services, provider, catalogue, settings, camp, ("Léa", "Côté")
    )
    await log_in(browser, services.pool, lea.account_id)

    answer = await browser.get(f"/records/releve24/{lea.child_id}/2026.pdf")

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="releve24-2026-{lea.child_id}.pdf"'
    )
    assert "no-store" in answer.headers["cache-control"]
    assert answer.content.startswith(b"%PDF-")
    text = pdf_text(answer.content)
    assert "Léa Côté" in text
    assert "046 454 286" in text
    assert "046454286" not in text
    assert "Parent Tremblay" in text
    assert "95,00 $" in text  # only the first instalment was paid in 2026
    english = pdf_text(
        (await browser.get(f"/records/releve24/{lea.child_id}/2026.pdf?lang=en")).content
    )
    assert "Box C" in english
    assert "$95.00" in english


async def test_the_payment_receipt_downloads_as_a_pdf_of_the_order(
    browser: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    settings: Settings,
    camp: TestProgram,
) -> None:
    lea = await family_with_paid_camp(
        services, provider, catalogue, settings, camp, ("Léa", "Côté")
    )
    await log_in(browser, services.pool, lea.account_id)

    answer = await browser.get(f"/records/receipts/{lea.order_id}.pdf")

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    ref = str(lea.order_id)[:8].upper()
    assert answer.headers["content-disposition"] == f'attachment; filename="recu-{ref}.pdf"'
    text = pdf_text(answer.content)
    for expected in ("Reçu de paiement", "Léa Côté", "Camp de jour", "190,00 $", "2 juillet 2026"):
        assert expected in text
    assert "Solde à payer 95,00 $" in text


async def test_receipts_print_the_municipality_the_settings_name(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    settings: Settings,
    camp: TestProgram,
) -> None:
    town = msgspec.structs.replace(
        settings,
        issuer_name="Ville de Rimouski — Loisirs",
        issuer_address="205, avenue de la Cathédrale | Rimouski QC G5L 5J1",
        issuer_number="8800123456",
    )
    lea = await family_with_paid_camp(services, provider, catalogue, town, camp, ("Léa", "Côté"))
    async with AsyncTestClient(app=create_app(town)) as browser:
        await log_in(browser, services.pool, lea.account_id)
        receipt = await browser.get(f"/records/receipts/{lea.order_id}.pdf")
        slip = await browser.get(f"/records/releve24/{lea.child_id}/2026.pdf")

    for answer in (receipt, slip):
        assert answer.status_code == 200
        text = pdf_text(answer.content)
        for expected in ("Ville de Rimouski — Loisirs", "Rimouski QC G5L 5J1", "8800123456"):
            assert expected in text
        assert "Ville de Mont-Joli" not in text
        assert "0000000000" not in text


async def test_a_family_gets_not_found_for_another_familys_releve24_and_receipt(
    browser: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    settings: Settings,
    camp: TestProgram,
) -> None:
    lea = await family_with_paid_camp(
        services, provider, catalogue, settings, camp, ("Léa", "Côté")
    )
    noah = await family_with_paid_camp(
        services, provider, catalogue, settings, camp, ("Noah", "Roy")
    )
    await log_in(browser, services.pool, lea.account_id)

    slip = await browser.get(f"/records/releve24/{noah.child_id}/2026.pdf")
    receipt = await browser.get(f"/records/receipts/{noah.order_id}.pdf")

    assert slip.status_code == 404
    assert receipt.status_code == 404
    assert b"%PDF" not in slip.content + receipt.content
    assert "Noah" not in (await browser.get("/records")).text
    mistyped = await browser.get(f"/records/releve24/{lea.child_id}/2026.txt")
    assert mistyped.status_code == 404


async def test_an_anonymous_visitor_is_sent_to_log_in_before_any_record(
    browser: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    settings: Settings,
    camp: TestProgram,
) -> None:
    lea = await family_with_paid_camp(
        services, provider, catalogue, settings, camp, ("Léa", "Côté")
    )
    for url in ("/records", f"/records/releve24/{lea.child_id}/2026.pdf"):
        answer = await browser.get(url, follow_redirects=False)
        assert answer.status_code in (302, 303)
        assert answer.headers["location"].startswith("/login")


async def test_accepting_a_waitlist_offer_needs_the_terms_then_opens_the_payment_page(
    browser: Client,
    services: Services,
    catalogue: CatalogueFactory,
    camp: TestProgram,
) -> None:
    swimming = await program_of_kind(
        catalogue, sale_id=camp.sale_id, childcare=False, names=("Natation", "Swimming")
    )
    group = swimming.group_ids[0]
    family = await catalogue.family([SEVEN])
    await services.engine.hold(swimming.id, "other-shopper", {group: 10}, 60_000, 60_000)
    entry_id = await join_waitlist(
        services.pool, services.engine, family.id, family.child_ids[0], group
    )
    await services.engine.release(swimming.id, "other-shopper")
    await offer_freed_places(services.pool, services.engine)
    await log_in(browser, services.pool, family.account_id)

    records = await browser.get("/records")
    action = f'action="/records/waitlist/{entry_id}/accept"'
    assert action in records.text
    token = csrf_of(records.text)
    url = f"/records/waitlist/{entry_id}/accept"

    refused = await browser.post(url, data={"_csrf_token": token}, follow_redirects=False)
    assert refused.status_code == 422
    accepted = await browser.post(
        url, data={"accept_terms": "on", "_csrf_token": token}, follow_redirects=False
    )

    assert accepted.status_code in (302, 303)
    assert "/sim-pay/" in accepted.headers["location"]
    status = await services.pool.fetchval(
        "SELECT status FROM orders WHERE family_id = $1", family.id
    )
    assert status == "awaiting_payment"
