"""Waitlists and reminders: freed places become offers; second instalments are reminded once."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import msgspec
import pytest

from rush.dev.mail_catcher import MailCatcher
from rush.emails.notifications import send_instalment_reminders, send_waitlist_offer
from rush.errors import OfferNotAvailable, PlacesAvailable
from rush.purchase.carts import Carts, HoldTimes
from rush.purchase.checkout import start_checkout
from rush.purchase.orders import FinalizeOutcome, finalize_order, record_payment_event
from rush.purchase.payments import SimulatedProvider
from rush.purchase.waitlist import accept_offer, expire_offers, join_waitlist, offer_freed_places
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory

SEVEN = dt.date(2020, 5, 1)


async def status_of(services: Services, entry_id: int) -> str:
    status: str = await services.pool.fetchval(
        "SELECT status FROM waitlist_entry WHERE id = $1", entry_id
    )
    return status


async def test_no_waitlist_while_places_are_left(
    services: Services, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([1])
    family = await catalogue.family([SEVEN])
    with pytest.raises(PlacesAvailable):
        await join_waitlist(
            services.pool, services.engine, family.id, family.child_ids[0], camp.group_ids[0]
        )


async def test_a_freed_place_is_offered_to_the_next_family_only(
    services: Services, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([1])
    g = camp.group_ids[0]
    await services.engine.hold(camp.id, "shopper", {g: 1}, 60_000, 60_000)
    first, second = await catalogue.family([SEVEN]), await catalogue.family([SEVEN])
    first_entry = await join_waitlist(
        services.pool, services.engine, first.id, first.child_ids[0], g
    )
    second_entry = await join_waitlist(
        services.pool, services.engine, second.id, second.child_ids[0], g
    )
    assert await offer_freed_places(services.pool, services.engine) == []

    await services.engine.release(camp.id, "shopper")
    offers = await offer_freed_places(services.pool, services.engine)

    assert [o.entry_id for o in offers] == [first_entry]
    assert await status_of(services, first_entry) == "offered"
    assert await status_of(services, second_entry) == "waiting"
    places = (await services.engine.places(camp.id, [g])).groups[g]
    assert (places.held, places.places_left) == (1, 0)


async def test_an_expired_offer_passes_to_the_next_in_line(
    services: Services, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([1])
    g = camp.group_ids[0]
    await services.pool.execute(
        "UPDATE sale SET waitlist_offer_seconds = 1 WHERE id = $1", camp.sale_id
    )
    await services.engine.hold(camp.id, "shopper", {g: 1}, 60_000, 60_000)
    first, second = await catalogue.family([SEVEN]), await catalogue.family([SEVEN])
    first_entry = await join_waitlist(
        services.pool, services.engine, first.id, first.child_ids[0], g
    )
    second_entry = await join_waitlist(
        services.pool, services.engine, second.id, second.child_ids[0], g
    )
    await services.engine.release(camp.id, "shopper")
    await offer_freed_places(services.pool, services.engine)
    await asyncio.sleep(1.1)

    assert await expire_offers(services.pool) == 1
    offers = await offer_freed_places(services.pool, services.engine)

    assert await status_of(services, first_entry) == "expired"
    assert [o.entry_id for o in offers] == [second_entry]


async def test_accepting_an_offer_orders_the_held_place(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([1], 5000)
    g = camp.group_ids[0]
    await services.engine.hold(camp.id, "shopper", {g: 1}, 60_000, 60_000)
    family = await catalogue.family([SEVEN])
    entry = await join_waitlist(services.pool, services.engine, family.id, family.child_ids[0], g)
    await services.engine.release(camp.id, "shopper")
    await offer_freed_places(services.pool, services.engine)

    result = await accept_offer(
        services, provider, family.id, entry, accept_terms=True, return_url="/"
    )
    assert result.payment_url is not None
    webhook = await provider.complete(result.payment_url.rsplit("/", 1)[-1], True, int(time.time()))
    event = provider.parse_webhook(webhook.body, webhook.signature_header, int(time.time()))
    await record_payment_event(services.pool, provider.name, event)

    assert await finalize_order(services, provider, result.order_id) is FinalizeOutcome.PAID
    assert (await services.engine.places(camp.id, [g])).groups[g].paid == 1
    with pytest.raises(OfferNotAvailable):
        await accept_offer(services, provider, family.id, entry, accept_terms=True, return_url="/")


async def test_the_waitlist_offer_email_reaches_the_family(
    services: Services, catalogue: CatalogueFactory, catcher: MailCatcher
) -> None:
    settings = msgspec.structs.replace(
        services.settings, smtp_host=catcher.host, smtp_port=catcher.port
    )
    camp = await catalogue.program([1])
    g = camp.group_ids[0]
    await services.engine.hold(camp.id, "shopper", {g: 1}, 60_000, 60_000)
    family = await catalogue.family([SEVEN])
    entry = await join_waitlist(services.pool, services.engine, family.id, family.child_ids[0], g)
    await services.engine.release(camp.id, "shopper")
    await offer_freed_places(services.pool, services.engine)

    assert await send_waitlist_offer(services.pool, settings, entry, "http://rush.test/accept")
    assert not await send_waitlist_offer(services.pool, settings, entry, "http://rush.test/accept")
    assert len(catcher.messages) == 1
    assert "http://rush.test/accept" in catcher.messages[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]


async def test_a_second_instalment_is_reminded_once_a_week_ahead(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    catcher: MailCatcher,
) -> None:
    settings = msgspec.structs.replace(
        services.settings, smtp_host=catcher.host, smtp_port=catcher.port
    )
    camp = await catalogue.program([5], 20_000)
    await services.pool.execute(
        "UPDATE sale SET two_instalments_min_cents = 10000, second_instalment_due_on = '2027-06-01'"
        " WHERE id = $1",
        camp.sale_id,
    )
    family = await catalogue.family([SEVEN])
    carts = Carts(services.pool, services.engine, HoldTimes(60_000, 120_000))
    await carts.add(family.id, camp.sale_id, family.child_ids, camp.group_ids, live=True)
    result = await start_checkout(
        services,
        provider,
        family.id,
        camp.sale_id,
        accept_terms=True,
        instalments=2,
        return_url="/",
        authorise_second_instalment=True,
    )
    assert result.payment_url is not None
    webhook = await provider.complete(result.payment_url.rsplit("/", 1)[-1], True, int(time.time()))
    event = provider.parse_webhook(webhook.body, webhook.signature_header, int(time.time()))
    await record_payment_event(services.pool, provider.name, event)
    await finalize_order(services, provider, result.order_id)

    assert (
        await send_instalment_reminders(services.pool, settings, provider, dt.date(2027, 5, 1)) == 0
    )
    assert (
        await send_instalment_reminders(services.pool, settings, provider, dt.date(2027, 5, 28))
        == 1
    )
    assert (
        await send_instalment_reminders(services.pool, settings, provider, dt.date(2027, 5, 29))
        == 0
    )
    assert len(catcher.messages) == 1
    assert "100,00" in catcher.messages[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
