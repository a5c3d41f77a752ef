"""Payments under a misbehaving provider: duplicated, renamed, reordered, stale and very late
webhooks, payments arriving after the hold expired, and a refund endpoint that is down.

Webhooks go through the real endpoint (signed `Rush-Signature`), real arq workers run the
finalize jobs, and every scenario ends with `rush audit` clean. What the rules
are (see `rush.purchase.orders`): an event is recorded once per id and only
`payment.succeeded` moves an order;
a payment after its hold expired takes the places if they are still free, otherwise the order
becomes a conflict, is refunded, and the family goes first on the waitlist.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from litestar.testing import AsyncTestClient

from rush.config import Settings
from rush.dev.mail_catcher import MailCatcher
from rush.ops.audit import run_audit
from rush.purchase.orders import FinalizeOutcome, finalize_order, record_payment_event
from rush.purchase.payments import SimulatedProvider
from rush.services import Services
from tests.faults.payment_chaos import (
    WEBHOOK_URL,
    PlacedOrder,
    audit_survived,
    charges,
    crafted,
    deliver,
    expire_hold,
    place_order,
    registrations_by_order,
    run_worker,
    stale,
)
from tests.support.catalogue_factory import CatalogueFactory

Client = AsyncTestClient[Any]


async def status_of(services: Services, order: PlacedOrder) -> str:
    status: str = await services.pool.fetchval(
        "SELECT status FROM orders WHERE id = $1", order.order_id
    )
    return status


async def paid_and_held(services: Services, program_id: int, group_id: int) -> tuple[int, int]:
    places = (await services.engine.places(program_id, [group_id])).groups[group_id]
    return places.paid, places.held


def confirmations(catcher: MailCatcher) -> Counter[str]:
    """Registration confirmations received, per address."""
    return Counter(str(m["To"]) for m in catcher.messages if "inscription" in str(m["Subject"]))


async def family_email(services: Services, order: PlacedOrder) -> str:
    email: str = await services.pool.fetchval(
        "SELECT email::text FROM account WHERE family_id = $1", order.family_id
    )
    return email


async def test_a_success_delivered_three_times_and_once_stale_registers_once_and_charges_once(
    client: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    app_settings: Settings,
    catcher: MailCatcher,
) -> None:
    camp = await catalogue.program([5], 9500)
    order = await place_order(services, provider, catalogue, camp, camp.group_ids, children=2)
    webhook = await provider.complete(order.ref, succeed=True, now_s=int(time.time()))

    old = stale(app_settings, webhook)
    refused = await client.post(
        WEBHOOK_URL, content=old.body, headers={"Rush-Signature": old.signature_header}
    )
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("application/problem+json")
    answers = [await deliver(client, webhook) for _ in range(3)]
    await run_worker(app_settings)
    again = await provider.complete(order.ref, succeed=True, now_s=int(time.time()))
    answers.append(await deliver(client, again))  # a redelivery after the finalize
    await run_worker(app_settings)

    assert answers == [{"recorded": True}] + [{"recorded": False}] * 3
    assert await status_of(services, order) == "paid"
    assert await registrations_by_order(services.pool, [order.order_id]) == {order.order_id: 2}
    assert await paid_and_held(services, camp.id, camp.group_ids[0]) == (2, 0)
    assert await charges(services.pool, order) == (2 * 9500, 0)
    assert confirmations(catcher) == {await family_email(services, order): 1}
    report = await audit_survived(services, injected=4, orders=1)
    assert (report.counts.paid_places, report.counts.payments) == (2, 1)


async def test_an_event_for_a_payment_rush_never_opened_is_answered_and_changes_nothing(
    client: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    app_settings: Settings,
) -> None:
    camp = await catalogue.program([5], 9500)
    order = await place_order(services, provider, catalogue, camp, camp.group_ids)
    stranger = dataclasses.replace(order, payment_id=uuid.uuid4(), ref="simpay_x")
    event = crafted(app_settings, stranger, "payment.succeeded", "evt-someone-elses")

    assert [await deliver(client, event) for _ in range(2)] == [{"recorded": False}] * 2
    await run_worker(app_settings)

    assert await status_of(services, order) == "awaiting_payment"
    assert await services.pool.fetchval("SELECT count(*) FROM payment_event") == 0
    await audit_survived(services, injected=2, orders=1)


async def test_failure_notices_before_and_after_the_success_change_nothing(
    client: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    app_settings: Settings,
) -> None:
    camp = await catalogue.program([5], 9500)
    order = await place_order(services, provider, catalogue, camp, camp.group_ids)
    success = await provider.complete(order.ref, succeed=True, now_s=int(time.time()))
    early_failure = crafted(app_settings, order, "payment.failed", "evt-declined-first", 60)
    late_failure = crafted(app_settings, order, "payment.failed", "evt-declined-late", 120)

    assert await deliver(client, early_failure) == {"recorded": True}
    await run_worker(app_settings)
    assert await status_of(services, order) == "awaiting_payment"
    assert await paid_and_held(services, camp.id, camp.group_ids[0]) == (0, 1)
    assert await deliver(client, success) == {"recorded": True}
    assert await deliver(client, late_failure) == {"recorded": True}
    await run_worker(app_settings)  # two finalize jobs for one order, run together

    assert await status_of(services, order) == "paid"
    assert await registrations_by_order(services.pool, [order.order_id]) == {order.order_id: 1}
    payment_status = await services.pool.fetchval(
        "SELECT status FROM payment WHERE id = $1", order.payment_id
    )
    assert payment_status == "succeeded"
    assert await paid_and_held(services, camp.id, camp.group_ids[0]) == (1, 0)
    await audit_survived(services, injected=2, orders=1)


async def test_a_very_late_success_after_the_hold_expired_takes_places_still_free(
    client: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    app_settings: Settings,
) -> None:
    camp = await catalogue.program([2], 9500)
    await services.pool.execute(
        "UPDATE sale SET payment_window_seconds = 1 WHERE id = $1", camp.sale_id
    )
    order = await place_order(services, provider, catalogue, camp, camp.group_ids, hold_ms=1000)
    await asyncio.sleep(1.2)  # the payment window runs out on the Redis clock
    assert await paid_and_held(services, camp.id, camp.group_ids[0]) == (0, 0)
    webhook = await provider.complete(order.ref, succeed=True, now_s=int(time.time()))

    assert await deliver(client, webhook) == {"recorded": True}
    await run_worker(app_settings)

    assert await status_of(services, order) == "paid"
    assert await registrations_by_order(services.pool, [order.order_id]) == {order.order_id: 1}
    assert await paid_and_held(services, camp.id, camp.group_ids[0]) == (1, 0)
    assert await charges(services.pool, order) == (9500, 0)
    await audit_survived(services, injected=1, orders=1)


async def test_a_late_success_for_a_place_taken_meanwhile_is_refunded_never_oversold(
    client: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    app_settings: Settings,
) -> None:
    camp = await catalogue.program([1], 9500)
    group_id = camp.group_ids[0]
    slow = await place_order(services, provider, catalogue, camp, [group_id])
    await expire_hold(services, slow)
    fast = await place_order(services, provider, catalogue, camp, [group_id])
    assert await deliver(
        client, await provider.complete(fast.ref, succeed=True, now_s=int(time.time()))
    ) == {"recorded": True}
    await run_worker(app_settings)
    late = await provider.complete(slow.ref, succeed=True, now_s=int(time.time()))

    assert await deliver(client, late) == {"recorded": True}
    await run_worker(app_settings)

    assert [await status_of(services, o) for o in (fast, slow)] == ["paid", "refunded"]
    assert await paid_and_held(services, camp.id, group_id) == (1, 0)
    assert await charges(services.pool, slow) == (9500, 9500)
    first_in_line = await services.pool.fetchval(
        "SELECT family_id FROM waitlist_entry WHERE group_id = $1 AND priority = 0", group_id
    )
    assert first_in_line == slow.family_id

    # The provider then sends its refund notice, and redelivers the success after it.
    (refund,) = await provider.refund_webhooks(slow.ref, now_s=int(time.time()))
    assert [await deliver(client, refund) for _ in range(2)] == [
        {"recorded": True},
        {"recorded": False},
    ]
    redelivered = await provider.complete(slow.ref, succeed=True, now_s=int(time.time()))
    assert await deliver(client, redelivered) == {"recorded": False}
    renamed = crafted(app_settings, slow, "payment.succeeded", "evt-renamed-success", 3600)
    assert await deliver(client, renamed) == {"recorded": True}
    await run_worker(app_settings)

    assert [await status_of(services, o) for o in (fast, slow)] == ["paid", "refunded"]
    assert await registrations_by_order(services.pool, [fast.order_id, slow.order_id]) == {
        fast.order_id: 1
    }
    assert await charges(services.pool, slow) == (9500, 9500)
    report = await audit_survived(services, injected=5, orders=2)
    assert report.counts.paid_places == 1


async def test_a_conflict_refund_the_provider_fails_once_is_finished_by_the_next_run(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    camp = await catalogue.program([1], 9500)
    group_id = camp.group_ids[0]
    slow = await place_order(services, provider, catalogue, camp, [group_id])
    await expire_hold(services, slow)
    await services.engine.hold(camp.id, "faster-family", {group_id: 1}, 60_000, 60_000)
    webhook = await provider.complete(slow.ref, succeed=True, now_s=int(time.time()))
    await record_payment_event(
        services.pool,
        provider.name,
        provider.parse_webhook(webhook.body, webhook.signature_header, int(time.time())),
    )
    real_refund = provider.refund

    async def provider_down(*args: object, **kwargs: object) -> object:
        raise ConnectionError("the provider's refund endpoint answered 503")

    monkeypatch.setattr(provider, "refund", provider_down)
    with pytest.raises(ConnectionError):
        await finalize_order(services, provider, slow.order_id)
    midway = await run_audit(services.pool, services.redis, services.settings)
    assert [(p.order_id, p.order_status) for p in midway.lost] == [(slow.order_id, "conflict")]
    monkeypatch.setattr(provider, "refund", real_refund)

    assert await finalize_order(services, provider, slow.order_id) is FinalizeOutcome.CONFLICT
    assert await status_of(services, slow) == "refunded"
    assert await charges(services.pool, slow) == (9500, 9500)
    await services.engine.release(camp.id, "faster-family")
    await audit_survived(services, injected=1, orders=1)


async def test_a_refund_endpoint_down_twice_is_retried_by_the_worker_until_the_money_is_back(
    client: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    app_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    camp = await catalogue.program([1], 9500)
    group_id = camp.group_ids[0]
    slow = await place_order(services, provider, catalogue, camp, [group_id])
    await expire_hold(services, slow)
    fast = await place_order(services, provider, catalogue, camp, [group_id])
    real_refund = SimulatedProvider.refund
    calls: list[str] = []

    async def down_twice(self: SimulatedProvider, ref: str, *args: Any) -> Any:
        calls.append(ref)
        if len(calls) <= 2:
            raise ConnectionError("the provider's refund endpoint answered 503")
        return await real_refund(self, ref, *args)

    monkeypatch.setattr(SimulatedProvider, "refund", down_twice)  # the worker's provider too
    for order in (fast, slow):
        webhook = await provider.complete(order.ref, succeed=True, now_s=int(time.time()))
        await deliver(client, webhook)
    await run_worker(app_settings)  # tries 1 and 2 fail; arq runs try 3 once their delays pass

    assert calls == [slow.ref] * 3
    assert [await status_of(services, o) for o in (fast, slow)] == ["paid", "refunded"]
    assert await charges(services.pool, slow) == (9500, 9500)
    assert await paid_and_held(services, camp.id, group_id) == (1, 0)
    await audit_survived(services, injected=2, orders=2)


# -- the invariant, for any interleaving -----------------------------------------------------------

CAPACITY = 2


@dataclass(frozen=True)
class Step:
    """One thing the provider or Rush does: deliver an order's outcome (fresh, stale, or renamed
    with a new event id), send a spurious failure notice, or let a worker drain the queue."""

    action: str
    order: int


@dataclass(frozen=True)
class Chaos:
    pays: list[bool]
    expires: list[bool]
    steps: list[Step]


@st.composite
def chaos(draw: st.DrawFn) -> Chaos:
    orders = draw(st.integers(min_value=2, max_value=4))
    pays = draw(st.lists(st.sampled_from([True, True, False]), min_size=orders, max_size=orders))
    expires = draw(st.lists(st.booleans(), min_size=orders, max_size=orders))
    steps: list[Step] = []
    for n in range(orders):
        steps += [Step("deliver", n)] * draw(st.integers(min_value=0, max_value=3))
        steps += [Step("stale", n)] * draw(st.integers(min_value=0, max_value=1))
        steps += [Step("failure_notice", n)] * draw(st.integers(min_value=0, max_value=1))
        if pays[n]:  # the provider renames the event when it redelivers: a new id, same payment
            steps += [Step("renamed", n)] * draw(st.integers(min_value=0, max_value=2))
    steps += [Step("work", 0)] * draw(st.integers(min_value=0, max_value=3))
    return Chaos(pays, expires, draw(st.permutations(steps)))


async def place_orders(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    scenario: Chaos,
) -> tuple[list[PlacedOrder], list[bool]]:
    """One order per family, one place each; a full group makes the oldest live hold expire.

    Returns the orders and whether each one's hold was still live when its family paid.
    """
    camp = await catalogue.program([CAPACITY], 9500)
    orders: list[PlacedOrder] = []
    live: list[bool] = []
    for n in range(len(scenario.pays)):
        if sum(live) == CAPACITY:
            oldest = live.index(True)
            await expire_hold(services, orders[oldest])
            live[oldest] = False
        orders.append(await place_order(services, provider, catalogue, camp, camp.group_ids))
        live.append(True)
        if scenario.expires[n]:
            await expire_hold(services, orders[n])
            live[n] = False
    return orders, live


@pytest.mark.slow
@hypothesis_settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=chaos())
async def test_any_interleaving_of_a_payments_events_pays_once_and_never_oversells(
    client: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    app_settings: Settings,
    catcher: MailCatcher,
    scenario: Chaos,
) -> None:
    orders, live_at_payment = await place_orders(services, provider, catalogue, scenario)
    now = int(time.time())
    outcomes = [
        await provider.complete(o.ref, succeed=pays, now_s=now)
        for o, pays in zip(orders, scenario.pays, strict=True)
    ]
    injected = sum(1 for e in scenario.expires if e)
    for step in scenario.steps:
        order = orders[step.order]
        if step.action == "work":
            await run_worker(app_settings)
        elif step.action == "deliver":
            await deliver(client, outcomes[step.order])
        elif step.action == "stale":
            old = stale(app_settings, outcomes[step.order])
            refused = await client.post(
                WEBHOOK_URL, content=old.body, headers={"Rush-Signature": old.signature_header}
            )
            assert refused.status_code == 400
        elif step.action == "renamed":
            renamed = crafted(app_settings, order, "payment.succeeded", f"evt-{uuid.uuid4()}")
            assert await deliver(client, renamed) == {"recorded": True}
        else:
            notice = crafted(
                app_settings, order, "payment.failed", f"evt-declined-{order.order_id}", 30
            )
            await deliver(client, notice)
        injected += step.action != "work"
    # The provider retries each outcome until it is taken; the refunds it made are notified.
    for webhook in outcomes:
        await deliver(client, webhook)
    await run_worker(app_settings)
    for order in orders:
        sim = await provider.payment(order.ref)
        assert sim is not None
        if sim.status == "refunded":
            for refund in await provider.refund_webhooks(order.ref, int(time.time())):
                await deliver(client, refund)
            await deliver(client, await provider.complete(order.ref, True, int(time.time())))
            injected += 1
    await run_worker(app_settings)

    statuses = [await status_of(services, o) for o in orders]
    registered = await registrations_by_order(services.pool, [o.order_id for o in orders])
    camp_id, group_id = (
        orders[0].program_id,
        await services.pool.fetchval(
            "SELECT group_id FROM order_line WHERE order_id = $1", orders[0].order_id
        ),
    )
    paid, held = await paid_and_held(services, camp_id, group_id)
    for n, order in enumerate(orders):
        charged, refunded = await charges(services.pool, order)
        if not scenario.pays[n]:
            assert (statuses[n], registered[order.order_id], charged) == ("awaiting_payment", 0, 0)
        elif live_at_payment[n]:
            # A live hold is a promise: its payment always becomes its registration.
            assert (statuses[n], registered[order.order_id]) == ("paid", 1)
            assert (charged, refunded) == (9500, 0)
        elif statuses[n] == "paid":
            assert (registered[order.order_id], charged, refunded) == (1, 9500, 0)
        else:
            assert (statuses[n], registered[order.order_id]) == ("refunded", 0)
            assert (charged, refunded) == (9500, 9500)
    assert paid == sum(1 for s in statuses if s == "paid") <= CAPACITY
    if "refunded" in statuses:
        # Refunded only when the group was full: never while a place was free.
        assert paid + held == CAPACITY
    sent = confirmations(catcher)
    for order, status in zip(orders, statuses, strict=True):
        assert sent[await family_email(services, order)] == (status == "paid")  # once, or never
    await audit_survived(services, injected=injected, orders=len(orders))


@pytest.mark.parametrize("place_taken", [False, True])
async def test_finalize_runs_racing_on_one_late_payment_agree_on_one_outcome(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    place_taken: bool,
) -> None:
    camp = await catalogue.program([1], 9500)
    group_id = camp.group_ids[0]
    late = await place_order(services, provider, catalogue, camp, [group_id], children=1)
    await expire_hold(services, late)
    if place_taken:
        await services.engine.hold(camp.id, "faster-family", {group_id: 1}, 60_000, 60_000)
    webhook = await provider.complete(late.ref, succeed=True, now_s=int(time.time()))
    await record_payment_event(
        services.pool,
        provider.name,
        provider.parse_webhook(webhook.body, webhook.signature_header, int(time.time())),
    )

    outcomes = await asyncio.gather(
        *(finalize_order(services, provider, late.order_id) for _ in range(4))
    )

    expected = FinalizeOutcome.CONFLICT if place_taken else FinalizeOutcome.PAID
    assert outcomes == [expected] * 4
    registered = await registrations_by_order(services.pool, [late.order_id])
    assert registered == ({} if place_taken else {late.order_id: 1})
    assert await charges(services.pool, late) == (9500, 9500 if place_taken else 0)
    assert await paid_and_held(services, camp.id, group_id) == ((0, 1) if place_taken else (1, 0))
    if place_taken:
        await services.engine.release(camp.id, "faster-family")
    await audit_survived(services, injected=3, orders=1)
