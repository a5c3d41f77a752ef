""" "Mon dossier" from Postgres: what a family paid for childcare per child and tax year, its
Relevé 24 and receipts, and its records, through real checkouts, payments and finalizes."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from rush.config import Settings
from rush.crypto import FieldCipher
from rush.documents import Releve24Data, payment_receipt_pdf
from rush.documents.family_documents import (
    DEMO_ISSUER,
    ReceiptUnavailable,
    payment_receipt_for,
    releve24_for,
)
from rush.errors import OrderNotFound, PersonNotInFamily
from rush.families.accounts import create_staff_account
from rush.families.records import Name, family_records
from rush.i18n import TIME_ZONE
from rush.purchase.cancellations import CancelledPlaces, cancel_places, send_pending_refunds
from rush.purchase.payments import SimulatedProvider
from rush.purchase.waitlist import join_waitlist, offer_freed_places
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory, TestFamily, TestProgram
from tests.support.paid_orders import (
    FIRST_WEEK,
    check_out,
    name_tax_payer,
    offer_two_instalments,
    pay_second_instalment,
    program_of_kind,
    put_in_cart,
    set_paid_at,
)
from tests.support.pdf_text import pdf_text

SEVEN = dt.date(2020, 5, 1)
NINE = dt.date(2018, 3, 1)
UTC = dt.UTC
CAMP = ("Camp de jour", "Day camp")
SWIMMING = ("Natation", "Swimming")


@pytest.fixture
def cipher(settings: Settings) -> FieldCipher:
    return FieldCipher(settings.encryption_key_list)


async def camp_and_family(
    catalogue: CatalogueFactory, weeks: int = 2, children: int = 1, dated: bool = True
) -> tuple[TestProgram, TestFamily]:
    sale_id = await catalogue.sale()
    camp = await program_of_kind(
        catalogue, sale_id=sale_id, childcare=True, names=CAMP, weeks=weeks, dated=dated
    )
    family = await catalogue.family([SEVEN, NINE][:children])
    return camp, family


async def slip(
    services: Services, cipher: FieldCipher, family: TestFamily, child_id: int, year: int
) -> Releve24Data:
    return await releve24_for(services.pool, cipher, family.id, child_id, year, DEMO_ISSUER)


async def cancel_week(
    services: Services, provider: SimulatedProvider, order_id: uuid.UUID, group_id: int
) -> CancelledPlaces:
    """Staff cancel the order's place in one group, refunded at its price, and the provider
    gives the money back."""
    registration_id = await services.pool.fetchval(
        "SELECT r.id FROM registration r JOIN order_line ol ON ol.id = r.order_line_id"
        " WHERE ol.order_id = $1 AND ol.group_id = $2",
        order_id,
        group_id,
    )
    staff = await create_staff_account(
        services.pool, email="caisse@ville.qc.ca", password="staff password 1", role="admin"
    )
    cancelled = await cancel_places(
        services, order_id, staff_account_id=staff.id, registration_ids=[registration_id]
    )
    await send_pending_refunds(services.pool, provider, order_id)
    return cancelled


async def test_each_instalment_counts_in_the_tax_year_it_was_paid_on_quebec_clock(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    cipher: FieldCipher,
) -> None:
    camp, family = await camp_and_family(catalogue, weeks=2)
    await offer_two_instalments(services.pool, camp.sale_id)
    await name_tax_payer(services.pool, cipher, family.id)
    await put_in_cart(services, family.id, camp.sale_id, family.child_ids, camp.group_ids)
    order = await check_out(services, provider, family.id, camp.sale_id, instalments=2)
    await pay_second_instalment(services, provider, order.order_id)
    # 22:30 on New Year's Eve in Quebec is already January 1st in UTC.
    await set_paid_at(services.pool, order.order_id, 1, dt.datetime(2027, 1, 1, 3, 30, tzinfo=UTC))
    await set_paid_at(services.pool, order.order_id, 2, dt.datetime(2027, 3, 10, 15, tzinfo=UTC))
    child = family.child_ids[0]

    first, second = (
        await slip(services, cipher, family, child, 2026),
        await slip(services, cipher, family, child, 2027),
    )

    assert (first.paid_amount_cents, first.eligible_amount_cents) == (9500, 9500)
    assert (second.paid_amount_cents, second.eligible_amount_cents) == (9500, 9500)
    with pytest.raises(ReceiptUnavailable) as nothing:
        await slip(services, cipher, family, child, 2028)
    assert nothing.value.code == "receipt_unavailable"
    assert nothing.value.reason == "nothing_paid"
    records = await family_records(services.pool, family.id)
    assert [(r.child_id, r.tax_year, r.paid_cents) for r in records.releve24] == [
        (child, 2026, 9500),
        (child, 2027, 9500),
    ]


async def test_only_childcare_programs_count_toward_the_releve24(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    cipher: FieldCipher,
) -> None:
    camp, family = await camp_and_family(catalogue, weeks=1, children=2)
    swimming = await program_of_kind(
        catalogue, sale_id=camp.sale_id, childcare=False, names=SWIMMING, price_cents=6000
    )
    await name_tax_payer(services.pool, cipher, family.id)
    camper, swimmer = family.child_ids
    await put_in_cart(services, family.id, camp.sale_id, [camper], camp.group_ids)
    await put_in_cart(services, family.id, camp.sale_id, [camper, swimmer], swimming.group_ids)
    order = await check_out(services, provider, family.id, camp.sale_id)
    assert order.total_cents == 9500 + 2 * 6000
    await set_paid_at(services.pool, order.order_id, 1, dt.datetime(2026, 5, 2, 12, tzinfo=UTC))

    assert (await slip(services, cipher, family, camper, 2026)).paid_amount_cents == 9500
    with pytest.raises(ReceiptUnavailable):
        await slip(services, cipher, family, swimmer, 2026)


async def test_each_sibling_gets_the_share_of_its_own_places(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    cipher: FieldCipher,
) -> None:
    camp, family = await camp_and_family(catalogue, weeks=2, children=2)
    await name_tax_payer(services.pool, cipher, family.id)
    older, younger = family.child_ids
    await put_in_cart(services, family.id, camp.sale_id, [older], camp.group_ids)
    await put_in_cart(services, family.id, camp.sale_id, [younger], camp.group_ids[:1])
    order = await check_out(services, provider, family.id, camp.sale_id)
    await set_paid_at(services.pool, order.order_id, 1, dt.datetime(2026, 5, 2, 12, tzinfo=UTC))

    assert (await slip(services, cipher, family, older, 2026)).paid_amount_cents == 19_000
    assert (await slip(services, cipher, family, younger, 2026)).paid_amount_cents == 9500


async def test_only_paid_instalments_count(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    cipher: FieldCipher,
) -> None:
    camp, family = await camp_and_family(catalogue, weeks=2)
    await offer_two_instalments(services.pool, camp.sale_id)
    await name_tax_payer(services.pool, cipher, family.id)
    await put_in_cart(services, family.id, camp.sale_id, family.child_ids, camp.group_ids)
    order = await check_out(services, provider, family.id, camp.sale_id, instalments=2)
    await set_paid_at(services.pool, order.order_id, 1, dt.datetime(2026, 5, 2, 12, tzinfo=UTC))

    assert (await slip(services, cipher, family, family.child_ids[0], 2026)).paid_amount_cents == (
        9500
    )


async def test_money_given_back_for_a_cancelled_week_is_not_on_the_releve24(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    cipher: FieldCipher,
) -> None:
    """First of two instalments paid, then the second week cancelled and that 95 $ given back:
    nothing is left paid until the second instalment pays for the week kept."""
    camp, family = await camp_and_family(catalogue, weeks=2)
    await offer_two_instalments(services.pool, camp.sale_id)
    await name_tax_payer(services.pool, cipher, family.id)
    await put_in_cart(services, family.id, camp.sale_id, family.child_ids, camp.group_ids)
    order = await check_out(services, provider, family.id, camp.sale_id, instalments=2)
    cancelled = await cancel_week(services, provider, order.order_id, camp.group_ids[1])

    assert cancelled.refund_cents == 9500
    assert (await family_records(services.pool, family.id)).releve24 == []

    await pay_second_instalment(services, provider, order.order_id)
    this_year = dt.datetime.now(tz=TIME_ZONE).year
    records = await family_records(services.pool, family.id)
    assert [(r.tax_year, r.paid_cents) for r in records.releve24] == [(this_year, 9500)]


async def test_an_order_waiting_for_payment_gives_no_releve24(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    cipher: FieldCipher,
) -> None:
    camp, family = await camp_and_family(catalogue)
    await name_tax_payer(services.pool, cipher, family.id)
    await put_in_cart(services, family.id, camp.sale_id, family.child_ids, camp.group_ids)
    await check_out(services, provider, family.id, camp.sale_id, paid=False)

    with pytest.raises(ReceiptUnavailable) as refused:
        await slip(services, cipher, family, family.child_ids[0], dt.date.today().year)
    assert refused.value.reason == "nothing_paid"
    assert (await family_records(services.pool, family.id)).releve24 == []


async def test_without_a_tax_payer_no_releve24_is_made(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    cipher: FieldCipher,
) -> None:
    camp, family = await camp_and_family(catalogue)
    await put_in_cart(services, family.id, camp.sale_id, family.child_ids, camp.group_ids)
    order = await check_out(services, provider, family.id, camp.sale_id)
    await set_paid_at(services.pool, order.order_id, 1, dt.datetime(2026, 5, 2, 12, tzinfo=UTC))

    with pytest.raises(ReceiptUnavailable) as refused:
        await slip(services, cipher, family, family.child_ids[0], 2026)
    assert refused.value.reason == "no_tax_payer"
    assert not (await family_records(services.pool, family.id)).tax_payer_on_file


async def test_the_slip_is_made_out_to_the_tax_payer_for_the_weeks_of_care(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    cipher: FieldCipher,
) -> None:
    camp, family = await camp_and_family(catalogue, weeks=2)
    await name_tax_payer(services.pool, cipher, family.id)
    await put_in_cart(services, family.id, camp.sale_id, family.child_ids, camp.group_ids)
    order = await check_out(services, provider, family.id, camp.sale_id)
    await set_paid_at(services.pool, order.order_id, 1, dt.datetime(2026, 5, 2, 12, tzinfo=UTC))
    child = family.child_ids[0]

    data = await slip(services, cipher, family, child, 2026)

    assert data.payer.full_name == "Parent Tremblay"
    assert data.payer.address_lines == ["12, rue des Érables", "Mont-Joli QC  G5H 1A1"]
    assert data.payer.sin == "046454286"
    assert (data.child.full_name, data.child.birth_date) == ("Enfant1 Tremblay", SEVEN)
    assert data.periods == [
        (FIRST_WEEK, FIRST_WEEK + dt.timedelta(days=4)),
        (FIRST_WEEK + dt.timedelta(days=7), FIRST_WEEK + dt.timedelta(days=11)),
    ]
    assert data.days_of_care == 10
    assert data.slip_number == f"RL24-2026-{child:06d}"
    assert data.issuer == DEMO_ISSUER


async def test_days_of_care_are_left_unknown_when_a_group_has_no_dates(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    cipher: FieldCipher,
) -> None:
    camp, family = await camp_and_family(catalogue, weeks=1, dated=False)
    await name_tax_payer(services.pool, cipher, family.id)
    await put_in_cart(services, family.id, camp.sale_id, family.child_ids, camp.group_ids)
    order = await check_out(services, provider, family.id, camp.sale_id)
    await set_paid_at(services.pool, order.order_id, 1, dt.datetime(2026, 5, 2, 12, tzinfo=UTC))

    data = await slip(services, cipher, family, family.child_ids[0], 2026)

    assert (data.days_of_care, data.periods, data.paid_amount_cents) == (None, [], 9500)


async def test_another_familys_child_and_order_are_refused_as_unknown(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    cipher: FieldCipher,
) -> None:
    camp, other = await camp_and_family(catalogue)
    await name_tax_payer(services.pool, cipher, other.id)
    await put_in_cart(services, other.id, camp.sale_id, other.child_ids, camp.group_ids)
    order = await check_out(services, provider, other.id, camp.sale_id)
    await set_paid_at(services.pool, order.order_id, 1, dt.datetime(2026, 5, 2, 12, tzinfo=UTC))
    family = await catalogue.family([SEVEN])
    await name_tax_payer(services.pool, cipher, family.id)

    with pytest.raises(PersonNotInFamily):
        await slip(services, cipher, family, other.child_ids[0], 2026)
    with pytest.raises(OrderNotFound):
        await payment_receipt_for(
            services.pool, family.id, order.order_id, DEMO_ISSUER, locale="fr-CA"
        )
    # The owner still gets both.
    assert (await slip(services, cipher, other, other.child_ids[0], 2026)).paid_amount_cents
    assert await payment_receipt_for(
        services.pool, other.id, order.order_id, DEMO_ISSUER, locale="fr-CA"
    )


async def test_the_payment_receipt_lists_the_places_and_each_payment_received(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp, family = await camp_and_family(catalogue, weeks=2)
    await offer_two_instalments(services.pool, camp.sale_id)
    await put_in_cart(services, family.id, camp.sale_id, family.child_ids, camp.group_ids)
    order = await check_out(services, provider, family.id, camp.sale_id, instalments=2)
    await pay_second_instalment(services, provider, order.order_id)
    await set_paid_at(services.pool, order.order_id, 1, dt.datetime(2026, 5, 2, 12, tzinfo=UTC))
    await set_paid_at(services.pool, order.order_id, 2, dt.datetime(2026, 6, 1, 2, tzinfo=UTC))

    french = await payment_receipt_for(
        services.pool, family.id, order.order_id, DEMO_ISSUER, locale="fr-CA"
    )
    english = await payment_receipt_for(
        services.pool, family.id, order.order_id, DEMO_ISSUER, locale="en"
    )

    assert [(ln.person_name, ln.program_name, ln.group_name) for ln in french.lines] == [
        ("Enfant1 Tremblay", "Camp de jour", "Semaine 1"),
        ("Enfant1 Tremblay", "Camp de jour", "Semaine 2"),
    ]
    assert [ln.program_name for ln in english.lines] == ["Day camp", "Day camp"]
    # 02:00 UTC on June 1st is still May 31st in Quebec.
    assert [(p.paid_on, p.amount_cents) for p in french.payments] == [
        (dt.date(2026, 5, 2), 9500),
        (dt.date(2026, 5, 31), 9500),
    ]
    assert french.issued_on == dt.date(2026, 5, 31)
    assert french.order_ref == str(order.order_id)[:8].upper()
    assert french.family_name == "Parent Tremblay"


async def test_a_receipt_after_a_cancellation_lists_the_place_apart_and_its_refund(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp, family = await camp_and_family(catalogue, weeks=2)
    await put_in_cart(services, family.id, camp.sale_id, family.child_ids, camp.group_ids)
    order = await check_out(services, provider, family.id, camp.sale_id)
    await cancel_week(services, provider, order.order_id, camp.group_ids[1])

    receipt = await payment_receipt_for(
        services.pool, family.id, order.order_id, DEMO_ISSUER, locale="fr-CA"
    )
    text = pdf_text(payment_receipt_pdf(receipt, "fr-CA"))

    assert [(ln.group_name, ln.cancelled) for ln in receipt.lines] == [
        ("Semaine 1", False),
        ("Semaine 2", True),
    ]
    assert [r.amount_cents for r in receipt.refunds] == [9500]
    assert [p.amount_cents for p in receipt.payments] == [19000]
    for expected in ("Inscriptions annulées", "Remboursements", "Net payé", "95,00 $"):
        assert expected in text
    assert "Solde à payer" not in text


async def test_no_receipt_for_an_order_not_paid(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp, family = await camp_and_family(catalogue)
    await put_in_cart(services, family.id, camp.sale_id, family.child_ids, camp.group_ids)
    order = await check_out(services, provider, family.id, camp.sale_id, paid=False)

    with pytest.raises(ReceiptUnavailable) as refused:
        await payment_receipt_for(
            services.pool, family.id, order.order_id, DEMO_ISSUER, locale="fr-CA"
        )
    assert refused.value.reason == "order_not_paid"


async def test_records_show_places_orders_with_their_schedule_and_the_live_waitlist(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp, family = await camp_and_family(catalogue, weeks=1)
    await offer_two_instalments(services.pool, camp.sale_id)
    full = await program_of_kind(
        catalogue, sale_id=camp.sale_id, childcare=False, names=SWIMMING, price_cents=6000
    )
    await put_in_cart(services, family.id, camp.sale_id, family.child_ids, camp.group_ids)
    order = await check_out(services, provider, family.id, camp.sale_id, instalments=2)
    group = full.group_ids[0]
    await services.engine.hold(full.id, "other-shopper", {group: 10}, 60_000, 60_000)
    child = family.child_ids[0]
    entry_id = await join_waitlist(services.pool, services.engine, family.id, child, group)
    stranger = await catalogue.family([SEVEN])
    await join_waitlist(services.pool, services.engine, stranger.id, stranger.child_ids[0], group)

    records = await family_records(services.pool, family.id)

    (place,) = records.registrations
    assert (place.person_id, place.person_name) == (child, "Enfant1 Tremblay")
    assert (place.program, place.group) == (Name(*CAMP), Name("Semaine 1", "Week 1"))
    assert (place.starts_on, place.ends_on) == (FIRST_WEEK, FIRST_WEEK + dt.timedelta(days=4))
    assert place.order_id == order.order_id
    (ordered,) = records.orders
    assert (ordered.id, ordered.status, ordered.total_cents) == (order.order_id, "paid", 9500)
    assert ordered.receipt_available
    assert ordered.paid_at is not None
    assert [(i.number, i.amount_cents, i.status) for i in ordered.instalments] == [
        (1, 4750, "succeeded"),
        (2, 4750, "scheduled"),
    ]
    assert ordered.instalments[0].paid_at is not None
    assert ordered.instalments[1].paid_at is None
    (waiting,) = records.waitlist
    assert (waiting.entry.id, waiting.person_name, waiting.program) == (
        entry_id,
        "Enfant1 Tremblay",
        Name(*SWIMMING),
    )
    assert not waiting.offered

    await services.engine.release(full.id, "other-shopper")
    await offer_freed_places(services.pool, services.engine)
    offered = (await family_records(services.pool, family.id)).waitlist
    assert [(w.entry.id, w.offered) for w in offered] == [(entry_id, True)]
    assert offered[0].entry.offer_expires_at is not None
