"""The second instalment charged on the card saved at the first payment, with the family's
consent recorded at checkout, and the written policy when that charge is declined (issue 15)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import asyncpg
import pytest
from arq import create_pool
from arq.connections import RedisSettings

from rush.config import Settings
from rush.dev.mail_catcher import MailCatcher
from rush.jobs import CHARGE_INSTALMENTS
from rush.ops.audit import run_audit
from rush.ops.dashboard import build_snapshot
from rush.purchase.payments import (
    IdempotencyKeyReused,
    InvalidPaymentRequest,
    SavedCard,
    SignedWebhook,
    SimulatedProvider,
)
from rush.services import Services
from tests.support.api_family import Client, admitted_family, call, run_worker
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.forms import csrf_of
from tests.support.paid_orders import offer_two_instalments

CONSENT_FR = (
    "J'autorise la Ville à débiter le second versement de 5,00\xa0$ le 1er juin 2027 sur la"
    " carte avec laquelle je paie maintenant."
)


async def cart_for_two_instalments(
    family: Client, admin: Client, catalogue: CatalogueFactory, pool: asyncpg.Pool
) -> tuple[int, dict[str, str]]:
    """A family admitted with one child's 10 $ camp week in its cart, in a sale that offers
    two instalments: the sale and the admission header."""
    camp, children, token = await admitted_family(family, admin, catalogue, 10)
    await offer_two_instalments(pool, camp.sale_id)
    admission = {"rush-admission": token}
    body = {"person_ids": children[:1], "group_ids": camp.group_ids}
    url = f"/api/v1/sales/{camp.sale_id}/cart/items"
    await call(family, "post", url, headers=admission, json=body)
    return camp.sale_id, admission


async def post_webhook(client: Client, webhook: SignedWebhook) -> None:
    """The provider's webhook reaches Rush the normal way, over HTTP."""
    await call(
        client,
        "post",
        "/api/v1/payments/webhook",
        content=webhook.body,
        headers={"rush-signature": webhook.signature_header},
    )


async def paid_first_of_two(
    family: Client,
    admin: Client,
    catalogue: CatalogueFactory,
    provider: SimulatedProvider,
    settings: Settings,
    pool: asyncpg.Pool,
) -> tuple[int, str]:
    """Checked out in two instalments with the card authorised, first one paid: sale, order."""
    sale_id, admission = await cart_for_two_instalments(family, admin, catalogue, pool)
    order = await call(
        family,
        "post",
        f"/api/v1/sales/{sale_id}/checkout",
        headers=admission,
        json={"accept_terms": True, "instalments": 2, "authorise_second_instalment": True},
    )
    ref = order["payment_url"].rsplit("/", 1)[-1]
    await post_webhook(family, await provider.complete(ref, succeed=True, now_s=int(time.time())))
    await run_worker(settings)
    return sale_id, order["order_id"]


async def run_charge_job(settings: Settings) -> None:
    """The worker's scheduled run of the second instalments, asked for now."""
    jobs = await create_pool(RedisSettings.from_dsn(settings.redis_url))
    try:
        await jobs.enqueue_job(CHARGE_INSTALMENTS)
    finally:
        await jobs.aclose()
    await run_worker(settings)


async def make_due_today(pool: asyncpg.Pool, order_id: str) -> None:
    await pool.execute(
        "UPDATE payment SET due_on = current_date WHERE order_id = $1 AND instalment = 2",
        order_id,
    )


async def charges(pool: asyncpg.Pool, order_id: str) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT c.attempt, c.outcome, c.provider_ref, c.requested_by FROM instalment_charge c"
        " JOIN payment p ON p.id = c.payment_id WHERE p.order_id = $1 ORDER BY c.attempt",
        order_id,
    )


async def tell_outcome(
    family: Client, provider: SimulatedProvider, settings: Settings, ref: str
) -> None:
    """The provider's webhook of a charge reaches Rush; the worker applies it."""
    await post_webhook(family, await provider.outcome_webhook(ref, int(time.time())))
    await run_worker(settings)


async def second_instalment(family: Client, order_id: str) -> dict[str, Any]:
    order = await call(family, "get", f"/api/v1/orders/{order_id}")
    found: dict[str, Any] = order["instalments"][1]
    return found


async def test_two_instalments_need_the_card_authorised_on_the_page_and_the_api(
    family_client: Client,
    admin_client: Client,
    catalogue: CatalogueFactory,
    services: Services,
) -> None:
    pool = services.pool
    sale_id, admission = await cart_for_two_instalments(
        family_client, admin_client, catalogue, pool
    )

    cart = await family_client.get(f"/sales/{sale_id}/cart", headers=admission)
    refused = await call(
        family_client,
        "post",
        f"/api/v1/sales/{sale_id}/checkout",
        headers=admission,
        json={"accept_terms": True, "instalments": 2},
        expect=422,
    )
    form = {"accept_terms": "on", "instalments": "2", "_csrf_token": csrf_of(cart.text)}
    refused_page = await family_client.post(
        f"/sales/{sale_id}/checkout", data=form, headers=admission, follow_redirects=False
    )
    paying = await family_client.post(
        f"/sales/{sale_id}/checkout",
        data={**form, "authorise_second_instalment": "on"},
        headers=admission,
        follow_redirects=False,
    )
    order = await pool.fetchrow(
        "SELECT instalments, instalment_consent_at, instalment_consent_version,"
        " instalment_consent_text FROM orders WHERE sale_id = $1",
        sale_id,
    )

    assert CONSENT_FR in cart.text.replace("&#39;", "'")
    assert refused["code"] == "instalment_consent_missing"
    assert "autorisez la Ville" in refused["detail"]
    assert refused_page.status_code == 422
    assert "autorisez la Ville" in refused_page.text
    assert "/sim-pay/" in paying.headers["location"]
    assert order["instalments"] == 2
    assert order["instalment_consent_at"] is not None
    assert order["instalment_consent_version"] == 1
    assert order["instalment_consent_text"] == CONSENT_FR


async def test_the_card_saved_at_the_first_payment_pays_the_second_once_when_due(
    family_client: Client,
    admin_client: Client,
    catalogue: CatalogueFactory,
    provider: SimulatedProvider,
    services: Services,
    app_settings: Settings,
) -> None:
    pool = services.pool
    sale_id, order_id = await paid_first_of_two(
        family_client, admin_client, catalogue, provider, app_settings, pool
    )
    card = await pool.fetchrow(
        "SELECT saved_card_customer_ref, saved_card_payment_method_ref FROM orders WHERE id = $1",
        order_id,
    )
    await run_charge_job(app_settings)
    not_yet = await charges(pool, order_id)

    await make_due_today(pool, order_id)
    await run_charge_job(app_settings)
    await run_charge_job(app_settings)  # a second run, as after a crash: nothing more
    made = await charges(pool, order_id)
    at_provider = await pool.fetchval(
        "SELECT count(*) FROM sim_provider_payment s JOIN payment p ON p.id = s.payment_id"
        " WHERE p.order_id = $1 AND p.instalment = 2",
        order_id,
    )
    await tell_outcome(family_client, provider, app_settings, made[0]["provider_ref"])
    report = await run_audit(pool, services.redis, app_settings, sale_id)

    assert card["saved_card_customer_ref"].startswith("simcus_")
    assert card["saved_card_payment_method_ref"].startswith("simpm_")
    assert not_yet == []
    assert [(c["attempt"], c["outcome"]) for c in made] == [(1, "pending")]
    assert at_provider == 1
    assert (await second_instalment(family_client, order_id))["status"] == "succeeded"
    assert [c["outcome"] for c in await charges(pool, order_id)] == ["succeeded"]
    assert report.clean, report


async def test_a_declined_charge_is_emailed_retried_and_shown_to_staff_who_charge_it_again(
    family_client: Client,
    admin_client: Client,
    catalogue: CatalogueFactory,
    provider: SimulatedProvider,
    services: Services,
    app_settings: Settings,
    catcher: MailCatcher,
) -> None:
    pool = services.pool
    sale_id, order_id = await paid_first_of_two(
        family_client, admin_client, catalogue, provider, app_settings, pool
    )
    card = await pool.fetchval(
        "SELECT saved_card_payment_method_ref FROM orders WHERE id = $1", order_id
    )
    await provider.set_card_declines(card, True)
    await make_due_today(pool, order_id)
    await run_charge_job(app_settings)
    (first,) = await charges(pool, order_id)
    await tell_outcome(family_client, provider, app_settings, first["provider_ref"])
    await run_charge_job(app_settings)  # too soon to try the card again
    too_soon = await charges(pool, order_id)
    await pool.execute(
        "UPDATE instalment_charge SET settled_at = settled_at - interval '3 days'"
        " WHERE provider_ref = $1",
        first["provider_ref"],
    )
    await run_charge_job(app_settings)  # retry_days later, the schedule tries again
    second = (await charges(pool, order_id))[1]
    await tell_outcome(family_client, provider, app_settings, second["provider_ref"])

    emails = [m for m in catcher.messages if "n'a pas pu être débité" in m["Subject"]]
    flagged = (await admin_client.get("/ops/orders?overdue=1")).text
    snapshot = await build_snapshot(services, sale_id)
    family_page = (await family_client.get(f"/orders/{order_id}")).text

    await provider.set_card_declines(card, False)
    staff_page = await admin_client.get(f"/ops/orders/{order_id}")
    retried = await admin_client.post(
        f"/ops/orders/{order_id}/retry-charge",
        data={"_csrf_token": csrf_of(staff_page.text)},
        follow_redirects=False,
    )
    await run_worker(app_settings)
    third = (await charges(pool, order_id))[2]
    await tell_outcome(family_client, provider, app_settings, third["provider_ref"])
    logged = await pool.fetchval(
        "SELECT count(*) FROM staff_action WHERE action = 'retry_instalment_charge'"
    )
    report = await run_audit(pool, services.redis, app_settings, sale_id)
    cleared = (await admin_client.get("/ops/orders?overdue=1")).text

    assert [c["attempt"] for c in too_soon] == [1]
    assert len(emails) == 2
    body = emails[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Bonjour Julie," in body
    assert "5,00" in body
    assert f"http://rush.test/orders/{order_id}" in body
    assert order_id[:8].upper() in flagged
    assert "Second versement impayé" in flagged
    assert snapshot.flow.second_instalments_overdue == 1
    assert f'action="/orders/{order_id}/pay"' in family_page
    assert "Débiter de nouveau la carte enregistrée" in staff_page.text
    assert retried.status_code in (302, 303)
    assert third["requested_by"] is not None
    assert (await second_instalment(family_client, order_id))["status"] == "succeeded"
    assert logged == 1
    assert order_id[:8].upper() not in cleared
    assert report.clean, report


async def test_the_family_pays_a_declined_second_instalment_from_its_order_page(
    family_client: Client,
    admin_client: Client,
    catalogue: CatalogueFactory,
    provider: SimulatedProvider,
    services: Services,
    app_settings: Settings,
) -> None:
    pool = services.pool
    _, order_id = await paid_first_of_two(
        family_client, admin_client, catalogue, provider, app_settings, pool
    )
    card = await pool.fetchval(
        "SELECT saved_card_payment_method_ref FROM orders WHERE id = $1", order_id
    )
    await provider.set_card_declines(card, True)
    await make_due_today(pool, order_id)
    await run_charge_job(app_settings)
    (declined,) = await charges(pool, order_id)
    await tell_outcome(family_client, provider, app_settings, declined["provider_ref"])

    page = await family_client.get(f"/orders/{order_id}")
    paying = await family_client.post(
        f"/orders/{order_id}/pay",
        data={"_csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    ref = paying.headers["location"].rsplit("/", 1)[-1]
    await post_webhook(family_client, await provider.complete(ref, True, int(time.time())))
    await run_worker(app_settings)
    paid = await second_instalment(family_client, order_id)
    cancelled = await call(admin_client, "post", f"/api/v1/ops/orders/{order_id}/cancel", json={})

    assert "/sim-pay/" in paying.headers["location"]
    assert ref != declined["provider_ref"]
    assert paid["status"] == "succeeded"
    # The refund goes back to the page's payment, not to the declined charge.
    assert cancelled["refunded_cents"] == 1000
    assert [r.amount_cents for r in await provider.refunds(ref)] == [500]


async def test_after_the_grace_period_the_unpaid_places_are_cancelled_and_refunded(
    family_client: Client,
    admin_client: Client,
    catalogue: CatalogueFactory,
    provider: SimulatedProvider,
    services: Services,
    app_settings: Settings,
    catcher: MailCatcher,
) -> None:
    pool = services.pool
    sale_id, order_id = await paid_first_of_two(
        family_client, admin_client, catalogue, provider, app_settings, pool
    )
    card = await pool.fetchval(
        "SELECT saved_card_payment_method_ref FROM orders WHERE id = $1", order_id
    )
    await provider.set_card_declines(card, True)
    await make_due_today(pool, order_id)
    await run_charge_job(app_settings)
    (declined,) = await charges(pool, order_id)
    await tell_outcome(family_client, provider, app_settings, declined["provider_ref"])
    await run_charge_job(app_settings)  # within the grace: nothing is cancelled
    kept = await pool.fetchval("SELECT status FROM orders WHERE id = $1", order_id)

    await pool.execute(
        "UPDATE payment SET declined_at = declined_at - interval '7 days'"
        " WHERE order_id = $1 AND instalment = 2",
        order_id,
    )
    await pool.execute(
        "UPDATE instalment_charge SET settled_at = settled_at - interval '7 days'"
        " WHERE provider_ref = $1",
        declined["provider_ref"],
    )
    await run_charge_job(app_settings)
    ended = await pool.fetchval("SELECT status FROM orders WHERE id = $1", order_id)
    active = await pool.fetchval(
        "SELECT count(*) FROM registration r JOIN order_line ol ON ol.id = r.order_line_id"
        " WHERE ol.order_id = $1 AND r.status = 'active'",
        order_id,
    )
    refund = await pool.fetchrow(
        "SELECT amount_cents, status, account_id FROM refund WHERE order_id = $1", order_id
    )
    subjects = [m["Subject"] for m in catcher.messages]
    staff_page = (await admin_client.get(f"/ops/orders/{order_id}")).text
    report = await run_audit(pool, services.redis, app_settings, sale_id)

    assert kept == "paid"
    assert ended == "refunded"
    assert active == 0
    assert (refund["amount_cents"], refund["status"], refund["account_id"]) == (
        500,
        "succeeded",
        None,
    )
    assert len(await charges(pool, order_id)) == 1  # no charge after the order ended
    assert "Annulation de votre inscription" in subjects
    assert "selon la règle applicable au refus du second versement" in staff_page
    assert report.clean, report


async def test_the_simulator_charges_a_saved_card_once_per_key_and_declines_when_told(
    provider: SimulatedProvider,
) -> None:
    opened = await provider.create_payment(
        uuid.uuid4(), 5000, "first:1", "first", return_url="/", save_card=True
    )
    paid = await provider.complete(opened.ref, succeed=True, now_s=int(time.time()))
    card = paid.event.saved_card
    assert card is not None
    second = uuid.uuid4()

    ref = await provider.charge_saved_card(second, 5000, "second:charge:1", "2/2", card)
    again = await provider.charge_saved_card(second, 5000, "second:charge:1", "2/2", card)
    await provider.set_card_declines(card.payment_method_ref, True)
    declined = await provider.charge_saved_card(second, 5000, "second:charge:2", "2/2", card)
    with pytest.raises(IdempotencyKeyReused):
        await provider.charge_saved_card(second, 4000, "second:charge:1", "2/2", card)
    with pytest.raises(InvalidPaymentRequest):
        await provider.charge_saved_card(
            second, 5000, "second:charge:3", "2/2", SavedCard("simcus_x", "simpm_x")
        )

    assert again == ref
    assert (await provider.outcome_webhook(ref, int(time.time()))).event.kind == (
        "payment.succeeded"
    )
    assert (await provider.outcome_webhook(declined, int(time.time()))).event.kind == (
        "payment.failed"
    )
