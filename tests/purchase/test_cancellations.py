"""Staff cancel paid places: Postgres, engine and waitlist agree, and money goes back once."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rush.errors import OrderNotFound
from rush.families.accounts import create_staff_account
from rush.ops.audit import run_audit
from rush.purchase.cancellations import (
    CancelledPlaces,
    RefundAmountInvalid,
    RegistrationNotInOrder,
    cancel_places,
    send_pending_refunds,
)
from rush.purchase.payments import ProviderRefund, RefundRefused, SimulatedProvider
from rush.purchase.waitlist import join_waitlist
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory, TestProgram
from tests.support.paid_orders import check_out, put_in_cart

SEVEN = dt.date(2020, 5, 1)
PRICE = 9500


@dataclass(frozen=True)
class Paid:
    order_id: uuid.UUID
    registration_ids: list[int]


async def staff_id(pool: asyncpg.Pool) -> int:
    account = await create_staff_account(
        pool, email=f"admin{uuid.uuid4().hex[:6]}@ville.qc.ca", password="admin pw 1", role="admin"
    )
    return account.id


async def paid_places(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    camp: TestProgram,
    group_ids: list[int],
) -> Paid:
    """A family whose one child paid for a place in each of the groups, through checkout."""
    family = await catalogue.family([SEVEN])
    await put_in_cart(services, family.id, camp.sale_id, family.child_ids, group_ids)
    order = await check_out(services, provider, family.id, camp.sale_id)
    ids = await services.pool.fetch(
        "SELECT r.id FROM registration r JOIN order_line ol ON ol.id = r.order_line_id"
        " WHERE ol.order_id = $1 ORDER BY r.id",
        order.order_id,
    )
    return Paid(order.order_id, [r["id"] for r in ids])


async def paid_count(pool: asyncpg.Pool, group_id: int) -> int:
    count: int = await pool.fetchval(
        "SELECT paid_count FROM activity_group WHERE id = $1", group_id
    )
    return count


async def refunds(pool: asyncpg.Pool, order_id: uuid.UUID) -> list[tuple[int, str]]:
    rows = await pool.fetch(
        "SELECT amount_cents, status FROM refund WHERE order_id = $1 ORDER BY id", order_id
    )
    return [(r["amount_cents"], r["status"]) for r in rows]


async def provider_refunded_cents(pool: asyncpg.Pool, order_id: uuid.UUID) -> list[int]:
    rows = await pool.fetch(
        "SELECT s.refunded_cents FROM sim_provider_payment s"
        " JOIN payment p ON p.id = s.payment_id WHERE p.order_id = $1",
        order_id,
    )
    return [r["refunded_cents"] for r in rows]


async def cancel_and_refund(
    services: Services,
    provider: SimulatedProvider,
    order_id: uuid.UUID,
    staff: int,
    registration_id: int | None = None,
    amount_cents: int | None = None,
) -> tuple[CancelledPlaces, int]:
    """Staff cancel one place (or the whole order) and the provider gives the money back:
    what the cancellation changed, and the cents the provider confirmed now."""
    cancelled = await cancel_places(
        services,
        order_id,
        staff_account_id=staff,
        registration_ids=None if registration_id is None else [registration_id],
        amount_cents=amount_cents,
    )
    return cancelled, await send_pending_refunds(services.pool, provider, order_id)


async def payment_status(pool: asyncpg.Pool, order_id: uuid.UUID) -> str:
    """The status of the order's one payment."""
    status: str = await pool.fetchval("SELECT status FROM payment WHERE order_id = $1", order_id)
    return status


async def test_a_cancelled_place_is_free_again_in_postgres_and_in_the_engine(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([1], PRICE)
    g = camp.group_ids[0]
    paid = await paid_places(services, provider, catalogue, camp, [g])
    assert await paid_count(services.pool, g) == 1
    assert (await services.engine.places(camp.id, [g])).groups[g].places_left == 0

    cancelled = await cancel_places(
        services, paid.order_id, staff_account_id=await staff_id(services.pool)
    )

    assert cancelled.registration_ids == paid.registration_ids
    assert await paid_count(services.pool, g) == 0
    places = (await services.engine.places(camp.id, [g])).groups[g]
    assert (places.paid, places.places_left) == (0, 1)
    assert cancelled.order_status == "refunded"


async def test_a_freed_place_is_offered_at_once_to_the_waitlisted_family(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([1], PRICE)
    g = camp.group_ids[0]
    paid = await paid_places(services, provider, catalogue, camp, [g])
    waiting = await catalogue.family([SEVEN])
    entry_id = await join_waitlist(
        services.pool, services.engine, waiting.id, waiting.child_ids[0], g
    )

    cancelled = await cancel_places(
        services, paid.order_id, staff_account_id=await staff_id(services.pool)
    )

    assert [(o.entry_id, o.family_id) for o in cancelled.offers] == [(entry_id, waiting.id)]
    status = await services.pool.fetchval(
        "SELECT status FROM waitlist_entry WHERE id = $1", entry_id
    )
    assert status == "offered"
    places = (await services.engine.places(camp.id, [g])).groups[g]
    assert (places.paid, places.held, places.places_left) == (0, 1, 0)


async def test_cancelling_twice_refunds_once(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([5], PRICE)
    paid = await paid_places(services, provider, catalogue, camp, camp.group_ids)
    staff = await staff_id(services.pool)

    first, sent_first = await cancel_and_refund(services, provider, paid.order_id, staff)
    again, sent_again = await cancel_and_refund(services, provider, paid.order_id, staff)

    assert (first.refund_cents, sent_first) == (PRICE, PRICE)
    assert (again.registration_ids, again.refund_cents, sent_again) == ([], 0, 0)
    assert await refunds(services.pool, paid.order_id) == [(PRICE, "succeeded")]
    assert await provider_refunded_cents(services.pool, paid.order_id) == [PRICE]
    assert await payment_status(services.pool, paid.order_id) == "refunded"


async def test_one_registration_is_cancelled_with_a_partial_refund_and_the_order_stays_paid(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([5, 5], PRICE)
    paid = await paid_places(services, provider, catalogue, camp, camp.group_ids)
    first, second = paid.registration_ids

    cancelled, _ = await cancel_and_refund(
        services, provider, paid.order_id, await staff_id(services.pool), second, 2000
    )

    assert (cancelled.registration_ids, cancelled.order_status) == ([second], "paid")
    statuses = await services.pool.fetch(
        "SELECT id, status FROM registration WHERE id = ANY($1::bigint[]) ORDER BY id",
        [first, second],
    )
    assert [r["status"] for r in statuses] == ["active", "cancelled"]
    assert await refunds(services.pool, paid.order_id) == [(2000, "succeeded")]
    assert await provider_refunded_cents(services.pool, paid.order_id) == [2000]
    assert await payment_status(services.pool, paid.order_id) == "succeeded"


async def test_a_second_cancellation_refunds_from_the_payment_a_partial_refund_used(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    """One payment paid both weeks: after 20 $ back for one, the other still gets its price."""
    camp = await catalogue.program([5, 5], PRICE)
    paid = await paid_places(services, provider, catalogue, camp, camp.group_ids)
    first, second = paid.registration_ids
    staff = await staff_id(services.pool)
    await cancel_and_refund(services, provider, paid.order_id, staff, second, 2000)

    cancelled, sent = await cancel_and_refund(services, provider, paid.order_id, staff, first)

    assert (cancelled.refund_cents, sent, cancelled.order_status) == (PRICE, PRICE, "refunded")
    assert await refunds(services.pool, paid.order_id) == [
        (2000, "succeeded"),
        (PRICE, "succeeded"),
    ]
    assert await provider_refunded_cents(services.pool, paid.order_id) == [2000 + PRICE]
    # 20 $ of the second week's price were kept: the payment is not refunded in full.
    assert await payment_status(services.pool, paid.order_id) == "succeeded"


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.permutations(range(3)).flatmap(
        lambda order: st.tuples(
            st.just(order), st.lists(st.none() | st.integers(0, PRICE), min_size=3, max_size=3)
        )
    )
)
async def test_cancellations_refund_what_was_asked_and_never_more_than_was_paid(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    steps: tuple[list[int], list[int | None]],
) -> None:
    """Three places on one payment, cancelled one by one in any order with any refund amount
    (None: the default, the place's price): each gets what was asked, the provider's ledger
    says the same, and the payment is refunded in full exactly when the refunds add up to it."""
    order, amounts = steps
    camp = await catalogue.program([5, 5, 5], PRICE)
    paid = await paid_places(services, provider, catalogue, camp, camp.group_ids)
    staff = await staff_id(services.pool)

    expected = []
    for index, amount in zip(order, amounts, strict=True):
        cancelled, _ = await cancel_and_refund(
            services, provider, paid.order_id, staff, paid.registration_ids[index], amount
        )
        expected.append(PRICE if amount is None else amount)
        assert cancelled.refund_cents == expected[-1]

    total = sum(expected)
    assert sum(cents for cents, _ in await refunds(services.pool, paid.order_id)) == total
    assert await provider_refunded_cents(services.pool, paid.order_id) == [total]
    in_full = total == 3 * PRICE
    assert await payment_status(services.pool, paid.order_id) == (
        "refunded" if in_full else "succeeded"
    )
    report = await run_audit(services.pool, services.redis, services.settings, camp.sale_id)
    assert (report.lost_payments, report.double_charged) == (0, 0)


@pytest.mark.parametrize("amount", [-1, PRICE + 1])
async def test_a_refund_outside_zero_and_the_price_is_refused_and_nothing_changes(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory, amount: int
) -> None:
    camp = await catalogue.program([5, 5], PRICE)
    paid = await paid_places(services, provider, catalogue, camp, camp.group_ids)

    with pytest.raises(RefundAmountInvalid) as refused:
        await cancel_places(
            services,
            paid.order_id,
            staff_account_id=await staff_id(services.pool),
            registration_ids=paid.registration_ids[:1],
            amount_cents=amount,
        )

    assert refused.value.max_cents == PRICE
    active = await services.pool.fetchval(
        "SELECT count(*) FROM registration WHERE status = 'active' AND id = ANY($1::bigint[])",
        paid.registration_ids,
    )
    assert active == 2
    assert await refunds(services.pool, paid.order_id) == []
    assert await paid_count(services.pool, camp.group_ids[0]) == 1


async def test_a_cancellation_without_refund_leaves_the_payment_alone(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([5], PRICE)
    paid = await paid_places(services, provider, catalogue, camp, camp.group_ids)

    cancelled = await cancel_places(
        services, paid.order_id, staff_account_id=await staff_id(services.pool), amount_cents=0
    )

    assert (cancelled.refund_cents, cancelled.order_status) == (0, "cancelled")
    assert await refunds(services.pool, paid.order_id) == []
    assert await provider_refunded_cents(services.pool, paid.order_id) == [0]


async def test_another_orders_registration_or_an_unknown_order_is_not_found(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([5], PRICE)
    mine = await paid_places(services, provider, catalogue, camp, camp.group_ids)
    theirs = await paid_places(services, provider, catalogue, camp, camp.group_ids)
    staff = await staff_id(services.pool)

    with pytest.raises(RegistrationNotInOrder):
        await cancel_places(
            services,
            mine.order_id,
            staff_account_id=staff,
            registration_ids=theirs.registration_ids[:1],
        )
    with pytest.raises(OrderNotFound):
        await cancel_places(services, uuid.uuid4(), staff_account_id=staff)
    assert await paid_count(services.pool, camp.group_ids[0]) == 2


class FailingOnce:
    """A provider that loses the first refund request, as a network cut would."""

    name = "simulated"

    def __init__(self, real: SimulatedProvider) -> None:
        self.real = real
        self.calls = 0

    async def refund(self, ref: str, amount_cents: int, idempotency_key: str) -> ProviderRefund:
        self.calls += 1
        if self.calls == 1:
            raise RefundRefused(ref, "provider unreachable")
        return await self.real.refund(ref, amount_cents, idempotency_key)


async def test_a_refund_the_provider_missed_is_sent_once_when_staff_cancel_again(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([5], PRICE)
    paid = await paid_places(services, provider, catalogue, camp, camp.group_ids)
    staff = await staff_id(services.pool)
    flaky = FailingOnce(provider)

    await cancel_places(services, paid.order_id, staff_account_id=staff)
    with pytest.raises(RefundRefused):
        await send_pending_refunds(services.pool, flaky, paid.order_id)  # type: ignore[arg-type]
    assert await refunds(services.pool, paid.order_id) == [(PRICE, "pending")]

    again = await cancel_places(services, paid.order_id, staff_account_id=staff)
    sent = await send_pending_refunds(services.pool, flaky, paid.order_id)  # type: ignore[arg-type]

    assert (again.registration_ids, sent) == ([], PRICE)
    assert await refunds(services.pool, paid.order_id) == [(PRICE, "succeeded")]
    assert await provider_refunded_cents(services.pool, paid.order_id) == [PRICE]
