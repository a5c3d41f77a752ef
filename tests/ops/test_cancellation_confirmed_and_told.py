"""An admin's cancellation is confirmed before it acts, and the family is told: by email, with
the money going back to its card, and on "Mon dossier", where each refund shows."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from litestar.testing import AsyncTestClient

from cli.processes import build_worker
from rush.config import Settings
from rush.dev.mail_catcher import MailCatcher
from rush.purchase.payments import SimulatedProvider
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.forms import csrf_of
from tests.support.ops_sessions import signed_in_family
from tests.support.paid_orders import check_out, program_of_kind, put_in_cart

Client = AsyncTestClient[Any]
SEVEN = dt.date(2020, 5, 1)
PRICE = 9500


@dataclass(frozen=True)
class PaidWeeks:
    family_id: int
    order_id: uuid.UUID
    registrations: list[int]
    """Week 1's registration, then week 2's."""


async def paid_weeks(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> PaidWeeks:
    """Enfant1 Tremblay paid weeks 1 and 2 of "Camp de jour" (from June 29, 2026), one order."""
    sale_id = await catalogue.sale()
    camp = await program_of_kind(
        catalogue, sale_id=sale_id, childcare=True, names=("Camp de jour", "Day camp"), weeks=2
    )
    family = await catalogue.family([SEVEN])
    await put_in_cart(services, family.id, sale_id, family.child_ids, camp.group_ids)
    order = await check_out(services, provider, family.id, sale_id)
    rows = await services.pool.fetch(
        "SELECT r.id FROM registration r JOIN order_line ol ON ol.id = r.order_line_id"
        " JOIN activity_group g ON g.id = r.group_id WHERE ol.order_id = $1 ORDER BY g.starts_on",
        order.order_id,
    )
    return PaidWeeks(family.id, order.order_id, [r["id"] for r in rows])


def readable(html: str) -> str:
    return html.replace("\xa0", " ").replace("\u202f", " ").replace("&#39;", "'")


def confirm_form(html: str) -> dict[str, str]:
    """The fields of the confirmation page's form, as the browser posts them."""
    form = re.search(r'<form[^>]*action="[^"]*/cancel"[^>]*>(.*?)</form>', html, re.S)
    assert form, "no confirmation form"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(1)))


async def deliver_emails(settings: Settings) -> None:
    worker = build_worker(settings, handle_signals=False, burst=True)
    try:
        await worker.main()
    finally:
        await worker.close()


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    return body.get_content().replace("\xa0", " ")


async def family_email(services: Services, family_id: int) -> str:
    email: str = await services.pool.fetchval(
        "SELECT email::text FROM account WHERE family_id = $1", family_id
    )
    return email


async def active_count(services: Services, order_id: uuid.UUID) -> int:
    count: int = await services.pool.fetchval(
        "SELECT count(*) FROM registration r JOIN order_line ol ON ol.id = r.order_line_id"
        " WHERE ol.order_id = $1 AND r.status = 'active'",
        order_id,
    )
    return count


async def test_the_first_post_shows_what_will_happen_and_changes_nothing_until_confirmed(
    admin: Client, services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    paid = await paid_weeks(services, provider, catalogue)
    page = await admin.get(f"/ops/orders/{paid.order_id}")
    second = paid.registrations[1]

    asked = await admin.post(
        f"/ops/orders/{paid.order_id}/cancel",
        data={"_csrf_token": csrf_of(page.text), "registration_id": str(second), "amount": "20,00"},
        follow_redirects=False,
    )

    assert asked.status_code == 200
    shown = readable(asked.text)
    assert "Confirmer l'annulation" in shown
    assert "Enfant1 Tremblay — Camp de jour, Semaine 2 (95,00 $)" in shown
    assert "Semaine 1" not in shown
    assert "Remboursement sur la carte utilisée pour le paiement : 20,00 $" in shown
    assert ">Confirmer</button>" in shown
    assert f'<a class="button secondary" href="/ops/orders/{paid.order_id}">Retour</a>' in shown
    assert await active_count(services, paid.order_id) == 2
    assert await services.pool.fetchval("SELECT count(*) FROM refund") == 0
    assert await services.pool.fetchval("SELECT count(*) FROM staff_action") == 0

    fields = confirm_form(asked.text)
    assert (fields["confirmed"], fields["registration_id"], fields["amount"]) == (
        "yes",
        str(second),
        "20.00",
    )
    confirmed = await admin.post(
        f"/ops/orders/{paid.order_id}/cancel", data=fields, follow_redirects=False
    )

    assert confirmed.status_code in (302, 303)
    assert await active_count(services, paid.order_id) == 1
    status = await services.pool.fetchval("SELECT status FROM registration WHERE id = $1", second)
    assert status == "cancelled"
    refunded = await services.pool.fetch("SELECT amount_cents, registration_ids FROM refund")
    assert [(r["amount_cents"], r["registration_ids"]) for r in refunded] == [(2000, [second])]


async def test_the_family_is_emailed_the_cancellation_and_sees_the_refund_in_its_records(
    admin: Client,
    app_settings: Settings,
    catcher: MailCatcher,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
) -> None:
    paid = await paid_weeks(services, provider, catalogue)
    page = await admin.get(f"/ops/orders/{paid.order_id}")
    asked = await admin.post(
        f"/ops/orders/{paid.order_id}/cancel", data={"_csrf_token": csrf_of(page.text)}
    )
    assert "Remboursement sur la carte utilisée pour le paiement : 190,00 $" in readable(asked.text)
    done = await admin.post(
        f"/ops/orders/{paid.order_id}/cancel",
        data=confirm_form(asked.text),
        follow_redirects=False,
    )
    assert done.status_code in (302, 303)

    await deliver_emails(app_settings)

    email = await family_email(services, paid.family_id)
    [told] = [m for m in catcher.messages if m["To"] == email]
    assert told["Subject"] == "Annulation de votre inscription"
    text = text_of(told)
    assert "Bonjour Parent," in text
    assert "- Enfant1 Tremblay : Camp de jour, Semaine 1, du 29 juin 2026 au 3 juillet 2026" in text
    assert "- Enfant1 Tremblay : Camp de jour, Semaine 2, du 6 juillet 2026 au 10 juillet 2026" in (
        text
    )
    assert "Remboursement : 190,00 $" in text
    assert "carte utilisée pour le paiement" in text
    assert "Mon dossier : http://rush.test/records" in text

    family = await signed_in_family(app_settings, services.pool, paid.family_id)
    try:
        records = readable((await family.get("/records")).text)
        english = readable((await family.get("/records", params={"lang": "en"})).text)
    finally:
        await family.__aexit__(None, None, None)
    assert "190,00 $ — remboursé le" in records
    assert (
        "Enfant1 Tremblay, Camp de jour, Semaine 1; Enfant1 Tremblay, Camp de jour, Semaine 2"
        in records
    )
    assert "$190.00 — refunded on" in english
    assert "Enfant1 Tremblay, Day camp, Week 1; Enfant1 Tremblay, Day camp, Week 2" in english


async def test_an_english_family_is_told_once_in_english_when_the_api_cancels_twice(
    admin: Client,
    app_settings: Settings,
    catcher: MailCatcher,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
) -> None:
    paid = await paid_weeks(services, provider, catalogue)
    await services.pool.execute(
        "UPDATE account SET locale = 'en' WHERE family_id = $1", paid.family_id
    )
    path = f"/api/v1/ops/orders/{paid.order_id}/cancel"
    headers = {"x-csrftoken": admin.cookies["csrftoken"]}
    body = {"registration_id": paid.registrations[0], "amount_cents": 0}

    for _ in range(2):
        answer = await admin.post(path, headers=headers, json=body)
        assert answer.status_code == 200, answer.text
    await deliver_emails(app_settings)

    email = await family_email(services, paid.family_id)
    [told] = [m for m in catcher.messages if m["To"] == email]
    assert told["Subject"] == "Cancellation of your registration"
    text = text_of(told)
    assert "Hello Parent," in text
    assert "- Enfant1 Tremblay: Day camp, Week 1, from June 29, 2026 to July 3, 2026" in text
    assert "Week 2" not in text
    assert "No refund is made for this cancellation." in text


async def test_cancelling_the_whole_order_is_a_danger_button_apart_not_the_primary_one(
    admin: Client, services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    paid = await paid_weeks(services, provider, catalogue)

    html = (await admin.get(f"/ops/orders/{paid.order_id}")).text

    [whole] = re.findall(r"<button([^>]*)>Annuler toute la commande</button>", html)
    assert 'class="danger"' in whole
    one_by_one = re.findall(r"<button([^>]*)>Annuler cette inscription</button>", html)
    assert one_by_one
    assert all('class="secondary"' in b for b in one_by_one)
    # Last on the page, after the refunds, in a section of its own.
    assert html.index('id="refunds"') < html.index('id="cancel-order"')
    assert html.index('id="cancel-order"') < html.index(">Annuler toute la commande</button>")
