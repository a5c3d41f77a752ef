"""Paid orders made the real way for tests: cart, checkout, the simulated provider's page,
its signed webhook, then finalize; plus the childcare programs and tax payer a Relevé 24 needs."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Sequence

import asyncpg

from rush.crypto import FieldCipher
from rush.db import query
from rush.families.family_file_storage import set_address, set_tax_payer
from rush.families.family_file_types import Address
from rush.purchase.carts import Carts, HoldTimes
from rush.purchase.checkout import start_checkout
from rush.purchase.orders import (
    CheckoutResult,
    FinalizeOutcome,
    finalize_order,
    record_payment_event,
)
from rush.purchase.payments import SimulatedProvider
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory, TestProgram

FIRST_WEEK = dt.date(2026, 6, 29)
"""A Monday: camp week n runs from FIRST_WEEK + 7n, Monday to Friday."""
SIN = "046 454 286"
SECOND_INSTALMENT_DUE = dt.date(2027, 6, 1)


async def program_of_kind(
    catalogue: CatalogueFactory,
    *,
    sale_id: int,
    childcare: bool,
    names: tuple[str, str],
    weeks: int = 1,
    price_cents: int = 9500,
    dated: bool = True,
) -> TestProgram:
    """A program of `weeks` groups ("Semaine n" / "Week n"), childcare-eligible or not."""
    program = await catalogue.program([10] * weeks, price_cents, sale_id=sale_id)
    pool = catalogue.pool
    await pool.execute(
        "UPDATE program SET childcare_eligible = $2, kind = $3, name_fr = $4, name_en = $5"
        " WHERE id = $1",
        program.id,
        childcare,
        "day_camp" if childcare else "swimming",
        *names,
    )
    for n, group_id in enumerate(program.group_ids):
        start = FIRST_WEEK + dt.timedelta(weeks=n)
        await pool.execute(
            "UPDATE activity_group SET name_fr = $2, name_en = $3, starts_on = $4, ends_on = $5"
            " WHERE id = $1",
            group_id,
            f"Semaine {n + 1}",
            f"Week {n + 1}",
            start if dated else None,
            start + dt.timedelta(days=4) if dated else None,
        )
    return program


async def offer_two_instalments(pool: asyncpg.Pool, sale_id: int) -> None:
    await pool.execute(
        "UPDATE sale SET two_instalments_min_cents = 1000, second_instalment_due_on = $2"
        " WHERE id = $1",
        sale_id,
        SECOND_INSTALMENT_DUE,
    )


async def put_in_cart(
    services: Services,
    family_id: int,
    sale_id: int,
    person_ids: Sequence[int],
    group_ids: Sequence[int],
) -> None:
    carts = Carts(services.pool, services.engine, HoldTimes(60_000, 120_000))
    await carts.add(family_id, sale_id, person_ids, group_ids, live=True)


async def pay(services: Services, provider: SimulatedProvider, payment_url: str) -> None:
    """The family pays on the provider's page; its webhook is recorded as the app records it."""
    now = int(time.time())
    webhook = await provider.complete(payment_url.rsplit("/", 1)[-1], succeed=True, now_s=now)
    event = provider.parse_webhook(webhook.body, webhook.signature_header, now)
    await record_payment_event(services.pool, provider.name, event)


async def check_out(
    services: Services,
    provider: SimulatedProvider,
    family_id: int,
    sale_id: int,
    *,
    instalments: int = 1,
    paid: bool = True,
) -> CheckoutResult:
    """Check the cart out and, when `paid`, pay its first instalment and finalize the order."""
    result = await start_checkout(
        services,
        provider,
        family_id,
        sale_id,
        accept_terms=True,
        instalments=instalments,
        return_url="/orders/{order_id}",
        authorise_second_instalment=instalments == 2,
    )
    if paid:
        assert result.payment_url is not None
        await pay(services, provider, result.payment_url)
        outcome = await finalize_order(services, provider, result.order_id)
        assert outcome is FinalizeOutcome.PAID
    return result


async def pay_second_instalment(
    services: Services, provider: SimulatedProvider, order_id: uuid.UUID
) -> None:
    """The family pays its reminder's page for the second instalment."""
    payment = await services.pool.fetchrow(
        "SELECT id, amount_cents FROM payment WHERE order_id = $1 AND instalment = 2", order_id
    )
    opened = await provider.create_payment(
        payment["id"],
        payment["amount_cents"],
        idempotency_key=f"{order_id}:2",
        description="second instalment",
        return_url="/",
    )
    # The reminder keeps the provider payment it opened: the webhook is checked against it.
    await services.pool.execute(query("payment_set_reminded"), payment["id"], opened.ref)
    await pay(services, provider, opened.redirect_url)
    assert await finalize_order(services, provider, order_id) is FinalizeOutcome.PAID


async def set_paid_at(
    pool: asyncpg.Pool, order_id: uuid.UUID, instalment: int, moment: dt.datetime
) -> None:
    """Move a succeeded payment in time, as if it had been paid then."""
    updated = await pool.execute(
        "UPDATE payment SET succeeded_at = $3"
        " WHERE order_id = $1 AND instalment = $2 AND status = 'succeeded'",
        order_id,
        instalment,
        moment,
    )
    assert updated == "UPDATE 1"


async def name_tax_payer(
    pool: asyncpg.Pool, cipher: FieldCipher, family_id: int, *, with_address: bool = True
) -> int:
    """Make the family's first adult its Relevé 24 payer; returns that adult's id."""
    adult_id: int = await pool.fetchval(
        "SELECT min(id) FROM person WHERE family_id = $1 AND role = 'adult'", family_id
    )
    await set_tax_payer(pool, cipher, family_id, adult_id, SIN)
    if with_address:
        address = Address(street="12, rue des Érables", city="Mont-Joli", postal_code="g5h1a1")
        await set_address(pool, family_id, address)
    return adult_id
