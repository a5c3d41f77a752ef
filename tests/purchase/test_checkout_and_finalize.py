"""From a held cart to registrations in Postgres, through the simulated provider."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid

import asyncpg
import pytest

from rush.db import query
from rush.engine.holds import HoldEngine
from rush.errors import CartHoldsLost, InstalmentsNotOffered, TermsNotAccepted
from rush.purchase.carts import Carts, HoldTimes
from rush.purchase.checkout import start_checkout
from rush.purchase.orders import (
    CheckoutResult,
    FinalizeOutcome,
    finalize_order,
    record_payment_event,
)
from rush.purchase.payments import SimulatedProvider, WebhookEvent
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory, TestFamily, TestProgram

SEVEN = dt.date(2020, 5, 1)
NINE = dt.date(2018, 3, 1)


def carts_for(services: Services, ttl_ms: int = 60_000) -> Carts:
    return Carts(services.pool, services.engine, HoldTimes(ttl_ms, max(ttl_ms, 120_000)))


async def cart_with_camp(
    services: Services,
    catalogue: CatalogueFactory,
    capacity: int = 10,
    price: int = 9500,
    ttl_ms: int = 60_000,
) -> tuple[TestProgram, TestFamily]:
    camp = await catalogue.program([capacity, capacity], price)
    family = await catalogue.family([SEVEN, NINE])
    await carts_for(services, ttl_ms).add(
        family.id, camp.sale_id, family.child_ids, camp.group_ids, live=True
    )
    return camp, family


async def checkout(
    services: Services, provider: SimulatedProvider, family_id: int, sale_id: int
) -> CheckoutResult:
    """Checkout with the terms accepted, in one payment."""
    return await start_checkout(
        services, provider, family_id, sale_id, accept_terms=True, instalments=1, return_url="/"
    )


async def pay(
    provider: SimulatedProvider, services: Services, payment_url: str, succeed: bool = True
) -> uuid.UUID | None:
    """The family pays on the hosted page; the provider's webhook is recorded as the app would."""
    ref = payment_url.rsplit("/", 1)[-1]
    webhook = await provider.complete(ref, succeed=succeed, now_s=int(time.time()))
    event = provider.parse_webhook(webhook.body, webhook.signature_header, int(time.time()))
    return await record_payment_event(services.pool, provider.name, event)


async def registrations(pool: asyncpg.Pool, group_ids: list[int]) -> int:
    count: int = await pool.fetchval(
        "SELECT count(*) FROM registration"
        " WHERE group_id = ANY($1::bigint[]) AND status = 'active'",
        group_ids,
    )
    return count


async def paid_in_redis(engine: HoldEngine, program: TestProgram) -> list[int]:
    reading = await engine.places(program.id, program.group_ids)
    return [reading.groups[g].paid for g in program.group_ids]


async def test_a_paid_cart_becomes_registrations_exactly_once(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp, family = await cart_with_camp(services, catalogue)
    result = await start_checkout(
        services,
        provider,
        family.id,
        camp.sale_id,
        accept_terms=True,
        instalments=1,
        return_url="/back",
    )
    assert result.status == "awaiting_payment"
    assert result.total_cents == 4 * 9500
    assert result.payment_url is not None

    order_id = await pay(provider, services, result.payment_url)
    assert order_id == result.order_id
    assert await finalize_order(services, provider, result.order_id) is FinalizeOutcome.PAID
    assert await finalize_order(services, provider, result.order_id) is FinalizeOutcome.PAID

    assert await registrations(services.pool, camp.group_ids) == 4
    assert await paid_in_redis(services.engine, camp) == [2, 2]


async def test_a_duplicate_webhook_is_recorded_once(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp, family = await cart_with_camp(services, catalogue)
    result = await checkout(services, provider, family.id, camp.sale_id)
    assert result.payment_url is not None
    ref = result.payment_url.rsplit("/", 1)[-1]
    webhook = await provider.complete(ref, succeed=True, now_s=int(time.time()))
    event = provider.parse_webhook(webhook.body, webhook.signature_header, int(time.time()))
    again = await provider.complete(ref, succeed=True, now_s=int(time.time()))

    assert await record_payment_event(services.pool, provider.name, event) == result.order_id
    assert (
        await record_payment_event(
            services.pool,
            provider.name,
            provider.parse_webhook(again.body, again.signature_header, int(time.time())),
        )
        is None
    )


async def test_finalize_before_the_payment_arrives_waits_then_completes(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp, family = await cart_with_camp(services, catalogue)
    result = await checkout(services, provider, family.id, camp.sale_id)
    assert await finalize_order(services, provider, result.order_id) is FinalizeOutcome.WAITING
    assert result.payment_url is not None
    await pay(provider, services, result.payment_url)
    assert await finalize_order(services, provider, result.order_id) is FinalizeOutcome.PAID


async def test_a_failed_payment_registers_nothing(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp, family = await cart_with_camp(services, catalogue)
    result = await checkout(services, provider, family.id, camp.sale_id)
    assert result.payment_url is not None
    await pay(provider, services, result.payment_url, succeed=False)
    assert await finalize_order(services, provider, result.order_id) is FinalizeOutcome.WAITING
    assert await registrations(services.pool, camp.group_ids) == 0


async def test_a_free_cart_is_confirmed_without_payment(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp, family = await cart_with_camp(services, catalogue, price=0)
    result = await checkout(services, provider, family.id, camp.sale_id)
    assert (result.status, result.payment_url, result.total_cents) == ("paid", None, 0)
    assert await registrations(services.pool, camp.group_ids) == 4
    assert await paid_in_redis(services.engine, camp) == [2, 2]


async def test_terms_must_be_accepted_and_nothing_is_ordered_otherwise(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp, family = await cart_with_camp(services, catalogue)
    with pytest.raises(TermsNotAccepted):
        await start_checkout(
            services,
            provider,
            family.id,
            camp.sale_id,
            accept_terms=False,
            instalments=1,
            return_url="/",
        )
    assert await services.pool.fetchval("SELECT count(*) FROM orders") == 0


async def test_two_instalments_are_offered_only_above_the_sale_amount(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp, family = await cart_with_camp(services, catalogue)
    await services.pool.execute(
        "UPDATE sale SET two_instalments_min_cents = $2, second_instalment_due_on = '2027-06-01'"
        " WHERE id = $1",
        camp.sale_id,
        50_000,
    )
    with pytest.raises(InstalmentsNotOffered):
        await start_checkout(
            services,
            provider,
            family.id,
            camp.sale_id,
            accept_terms=True,
            instalments=2,
            return_url="/",
            authorise_second_instalment=True,
        )
    await services.pool.execute(
        "UPDATE sale SET two_instalments_min_cents = 20000 WHERE id = $1", camp.sale_id
    )
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
    assert [(i.number, i.amount_cents, i.due_on) for i in result.instalments] == [
        (1, 19_000, dt.date.today()),
        (2, 19_000, dt.date(2027, 6, 1)),
    ]
    assert result.payment_url is not None
    sim = await provider.payment(result.payment_url.rsplit("/", 1)[-1])
    assert sim is not None
    assert sim.amount_cents == 19_000


async def test_checkout_twice_answers_the_same_order(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp, family = await cart_with_camp(services, catalogue)
    first = await checkout(services, provider, family.id, camp.sale_id)
    second = await checkout(services, provider, family.id, camp.sale_id)
    assert second.order_id == first.order_id
    assert second.payment_url == first.payment_url


async def test_checkout_of_an_expired_cart_is_refused(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp, family = await cart_with_camp(services, catalogue, ttl_ms=50)
    await asyncio.sleep(0.08)
    with pytest.raises(CartHoldsLost):
        await checkout(services, provider, family.id, camp.sale_id)


async def test_payment_after_expiry_takes_the_places_when_still_free(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp, family = await cart_with_camp(services, catalogue)
    result = await checkout(services, provider, family.id, camp.sale_id)
    for program_hold in {(camp.id, f"cart:{cid}") for cid in await cart_ids(services, family.id)}:
        await services.engine.release(*program_hold)  # as if it had expired
    assert result.payment_url is not None
    await pay(provider, services, result.payment_url)

    assert await finalize_order(services, provider, result.order_id) is FinalizeOutcome.PAID
    assert await paid_in_redis(services.engine, camp) == [2, 2]


async def test_payment_after_expiry_with_places_taken_is_refunded_and_waitlisted_first(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp, family = await cart_with_camp(services, catalogue, capacity=2)
    result = await checkout(services, provider, family.id, camp.sale_id)
    (cart_id,) = await cart_ids(services, family.id)
    await services.engine.release(camp.id, f"cart:{cart_id}")
    await services.engine.hold(camp.id, "faster-family", {camp.group_ids[0]: 1}, 60_000, 60_000)
    assert result.payment_url is not None
    await pay(provider, services, result.payment_url)

    assert await finalize_order(services, provider, result.order_id) is FinalizeOutcome.CONFLICT

    pool = services.pool
    assert (
        await pool.fetchval("SELECT status FROM orders WHERE id = $1", result.order_id)
        == "refunded"
    )
    sim = await provider.payment(result.payment_url.rsplit("/", 1)[-1])
    assert sim is not None
    assert sim.status == "refunded"
    assert await registrations(pool, camp.group_ids) == 0
    waitlist = await pool.fetch(
        "SELECT person_id, priority FROM waitlist_entry WHERE group_id = $1", camp.group_ids[0]
    )
    assert sorted((r["person_id"], r["priority"]) for r in waitlist) == sorted(
        (c, 0) for c in family.child_ids
    )
    reading = await services.engine.places(camp.id, camp.group_ids)
    assert [reading.groups[g].held for g in camp.group_ids] == [1, 0]


async def test_finalize_interrupted_between_commit_and_confirm_is_retried_to_one_result(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    camp, family = await cart_with_camp(services, catalogue)
    result = await checkout(services, provider, family.id, camp.sale_id)
    assert result.payment_url is not None
    await pay(provider, services, result.payment_url)
    real_confirm = services.engine.confirm

    async def crash(*args: object) -> object:
        raise ConnectionError("worker killed after the Postgres commit")

    monkeypatch.setattr(services.engine, "confirm", crash)
    with pytest.raises(ConnectionError):
        await finalize_order(services, provider, result.order_id)
    assert await registrations(services.pool, camp.group_ids) == 4
    assert await paid_in_redis(services.engine, camp) == [0, 0]

    monkeypatch.setattr(services.engine, "confirm", real_confirm)
    assert await finalize_order(services, provider, result.order_id) is FinalizeOutcome.PAID
    assert await registrations(services.pool, camp.group_ids) == 4
    assert await paid_in_redis(services.engine, camp) == [2, 2]


async def test_a_retry_after_the_hold_expired_restores_paid_counts_from_postgres(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    camp, family = await cart_with_camp(services, catalogue)
    result = await checkout(services, provider, family.id, camp.sale_id)
    assert result.payment_url is not None
    await pay(provider, services, result.payment_url)

    async def crash(*args: object) -> object:
        raise ConnectionError("worker killed")

    real_confirm = services.engine.confirm
    monkeypatch.setattr(services.engine, "confirm", crash)
    with pytest.raises(ConnectionError):
        await finalize_order(services, provider, result.order_id)
    monkeypatch.setattr(services.engine, "confirm", real_confirm)
    (cart_id,) = await cart_ids(services, family.id)
    await services.engine.release(camp.id, f"cart:{cart_id}")  # the hold expired meanwhile

    assert await finalize_order(services, provider, result.order_id) is FinalizeOutcome.PAID
    assert await paid_in_redis(services.engine, camp) == [2, 2]


async def cart_ids(services: Services, family_id: int) -> list[uuid.UUID]:
    rows = await services.pool.fetch("SELECT id FROM cart WHERE family_id = $1", family_id)
    return [r["id"] for r in rows]


async def test_a_late_failure_notice_after_success_changes_nothing(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp, family = await cart_with_camp(services, catalogue)
    result = await checkout(services, provider, family.id, camp.sale_id)
    assert result.payment_url is not None
    await pay(provider, services, result.payment_url)
    assert await finalize_order(services, provider, result.order_id) is FinalizeOutcome.PAID
    payment_id = await services.pool.fetchval(
        "SELECT id FROM payment WHERE order_id = $1 AND instalment = 1", result.order_id
    )
    late = WebhookEvent(
        event_id="evt-late-failure",
        kind="payment.failed",
        payment_ref=result.payment_url.rsplit("/", 1)[-1],
        payment_id=payment_id,
        amount_cents=result.total_cents,
        occurred_at_s=int(time.time()) - 600,
    )

    assert await record_payment_event(services.pool, provider.name, late) == result.order_id
    assert await finalize_order(services, provider, result.order_id) is FinalizeOutcome.PAID
    assert await registrations(services.pool, camp.group_ids) == 4
    status = await services.pool.fetchval("SELECT status FROM payment WHERE id = $1", payment_id)
    assert status == "succeeded"


async def test_a_finalize_never_waits_for_a_checkout_of_the_same_groups(
    services: Services, catalogue: CatalogueFactory
) -> None:
    """A checkout's order lines key-share their groups (foreign keys) in cart order while a
    finalize locks the groups in id order: were these locks to conflict, a rush deadlocks them."""
    camp = await catalogue.program([5, 5])
    low, high = sorted(camp.group_ids)
    async with (
        services.pool.acquire() as checkout,
        services.pool.acquire() as finalize,
        checkout.transaction(),
    ):
        # What inserting an order line for the group takes on it.
        await checkout.execute("SELECT 1 FROM activity_group WHERE id = $1 FOR KEY SHARE", high)
        async with finalize.transaction():
            await finalize.execute("SET LOCAL lock_timeout = '5s'")
            locked = await finalize.fetch(query("lock_groups_for_update"), [low, high])
            assert [r["id"] for r in locked] == [low, high]
            # The checkout goes on to its next line while the finalize holds both groups.
            await checkout.execute("SET LOCAL lock_timeout = '5s'")
            await checkout.execute("SELECT 1 FROM activity_group WHERE id = $1 FOR KEY SHARE", low)
