"""An admin lowers a group's capacity while families hold places in it.

The rule (`rush.engine.capacity.change_capacity`): a new capacity below paid + held
places is refused, saving nothing; anything else is accepted at once. So a family holding
places keeps them and can pay for them, a family arriving after gets a clear "no places
left", and paying never oversells, even while the admin keeps changing the capacity.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from rush.config import Settings
from rush.engine.capacity import change_capacity
from rush.engine.holds import HoldStatus
from rush.errors import CapacityBelowCommitted, PlacesShort
from rush.purchase.carts import Carts, HoldTimes
from rush.purchase.payments import SimulatedProvider
from rush.services import Services
from tests.faults.payment_chaos import (
    CHILD_BORN,
    PlacedOrder,
    audit_survived,
    deliver,
    expire_hold,
    place_order,
    registrations_by_order,
    run_worker,
)
from tests.support.catalogue_factory import CatalogueFactory, TestProgram

Client = AsyncTestClient[Any]


async def capacities(services: Services, camp: TestProgram, group_id: int) -> tuple[int, int]:
    """(Postgres, Redis) capacity of the group."""
    in_postgres: int = await services.pool.fetchval(
        "SELECT capacity FROM activity_group WHERE id = $1", group_id
    )
    in_redis = (await services.engine.places(camp.id, [group_id])).groups[group_id].capacity
    return in_postgres, in_redis


async def pay_all(
    client: Client, provider: SimulatedProvider, settings: Settings, orders: list[PlacedOrder]
) -> None:
    """Every family pays; the webhooks reach the app and a worker finalizes them."""
    for order in orders:
        webhook = await provider.complete(order.ref, succeed=True, now_s=int(time.time()))
        assert await deliver(client, webhook) == {"recorded": True}
    await run_worker(settings)


async def statuses(services: Services, orders: list[PlacedOrder]) -> list[str]:
    return [
        await services.pool.fetchval("SELECT status FROM orders WHERE id = $1", o.order_id)
        for o in orders
    ]


async def test_lowering_below_paid_plus_held_is_refused_and_holders_keep_their_places(
    client: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    app_settings: Settings,
) -> None:
    camp = await catalogue.program([6], 9500)
    group_id = camp.group_ids[0]
    paid = [await place_order(services, provider, catalogue, camp, [group_id]) for _ in range(2)]
    await pay_all(client, provider, app_settings, paid)
    holding = [await place_order(services, provider, catalogue, camp, [group_id]) for _ in range(2)]

    with pytest.raises(CapacityBelowCommitted) as refused:
        await change_capacity(services.pool, services.engine, group_id, 3)
    assert (refused.value.paid, refused.value.held) == (2, 2)
    assert await capacities(services, camp, group_id) == (6, 6)
    for order in holding:
        view = await services.engine.inspect(camp.id, order.hold_id)
        assert (view.status, view.items) == (HoldStatus.LIVE, {group_id: 1})

    await change_capacity(services.pool, services.engine, group_id, 4)
    assert await capacities(services, camp, group_id) == (4, 4)
    late = await catalogue.family([CHILD_BORN])
    carts = Carts(services.pool, services.engine, HoldTimes(60_000, 120_000))
    with pytest.raises(PlacesShort):
        await carts.add(late.id, camp.sale_id, late.child_ids, [group_id], live=True)

    await pay_all(client, provider, app_settings, holding)
    assert await statuses(services, paid + holding) == ["paid"] * 4
    report = await audit_survived(services, injected=2, orders=4)
    assert report.counts.paid_places == 4


async def test_a_late_payment_after_the_capacity_went_down_is_refunded_not_oversold(
    client: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    app_settings: Settings,
) -> None:
    camp = await catalogue.program([3], 9500)
    group_id = camp.group_ids[0]
    first = await place_order(services, provider, catalogue, camp, [group_id])
    await pay_all(client, provider, app_settings, [first])
    holding = await place_order(services, provider, catalogue, camp, [group_id])
    expired = await place_order(services, provider, catalogue, camp, [group_id])
    await expire_hold(services, expired)

    await change_capacity(services.pool, services.engine, group_id, 2)  # paid 1 + held 1
    await pay_all(client, provider, app_settings, [expired, holding])

    assert await statuses(services, [first, holding, expired]) == ["paid", "paid", "refunded"]
    registered = await registrations_by_order(
        services.pool, [first.order_id, holding.order_id, expired.order_id]
    )
    assert registered == {first.order_id: 1, holding.order_id: 1}
    places = (await services.engine.places(camp.id, [group_id])).groups[group_id]
    assert (places.capacity, places.paid, places.held) == (2, 2, 0)
    await audit_survived(services, injected=2, orders=3)


async def test_paying_while_the_admin_keeps_lowering_the_capacity_never_oversells(
    client: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    app_settings: Settings,
) -> None:
    camp = await catalogue.program([8], 9500)
    group_id = camp.group_ids[0]
    orders = [await place_order(services, provider, catalogue, camp, [group_id]) for _ in range(6)]
    for order in orders[4:]:
        await expire_hold(services, order)  # 4 live holds, 2 payments that will come late
    for order in orders:
        webhook = await provider.complete(order.ref, succeed=True, now_s=int(time.time()))
        await deliver(client, webhook)
    outcomes: list[tuple[int, bool]] = []

    async def admin_lowers() -> None:
        for capacity in (7, 5, 3, 6, 4, 2, 5, 4):
            try:
                await change_capacity(services.pool, services.engine, group_id, capacity)
                outcomes.append((capacity, True))
            except CapacityBelowCommitted:
                outcomes.append((capacity, False))
            await asyncio.sleep(0.01)

    await asyncio.gather(run_worker(app_settings), admin_lowers())

    final_status = await statuses(services, orders)
    assert final_status[:4] == ["paid"] * 4  # held places are promises, whatever the admin did
    assert set(final_status[4:]) <= {"paid", "refunded"}
    assert all(accepted for capacity, accepted in outcomes if capacity >= 6)
    assert not any(accepted for capacity, accepted in outcomes if capacity < 4)
    in_postgres, in_redis = await capacities(services, camp, group_id)
    assert in_postgres == in_redis == next(c for c, ok in reversed(outcomes) if ok)
    paid_count = await services.pool.fetchval(
        "SELECT paid_count FROM activity_group WHERE id = $1", group_id
    )
    assert paid_count == final_status.count("paid") <= in_postgres
    await audit_survived(services, injected=len(outcomes), orders=len(orders))
    refused = sum(1 for _, accepted in outcomes if not accepted)
    assert refused > 0


async def test_the_dashboard_refuses_a_capacity_below_held_places_with_a_clear_answer(
    admin: Client, services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([4], 9500)
    group_id = camp.group_ids[0]
    holding = [await place_order(services, provider, catalogue, camp, [group_id]) for _ in range(3)]
    token = admin.cookies["csrftoken"]

    async def set_capacity(capacity: str) -> Any:
        return await admin.post(
            f"/ops/sales/{camp.sale_id}/actions/capacity",
            data={"group_id": str(group_id), "capacity": capacity, "_csrf_token": token},
            headers={"accept-language": "fr-CA"},
            follow_redirects=False,
        )

    refused = await set_capacity("2")
    assert refused.status_code == 409
    assert "La capacité ne peut pas être inférieure" in refused.text
    nonsense = await set_capacity("beaucoup")
    assert 400 <= nonsense.status_code < 500
    accepted = await set_capacity("3")
    assert accepted.status_code in (302, 303)

    assert await capacities(services, camp, group_id) == (3, 3)
    for order in holding:
        view = await services.engine.inspect(camp.id, order.hold_id)
        assert view.status is HoldStatus.LIVE
    logged = await services.pool.fetch("SELECT action FROM staff_action ORDER BY id")
    assert [r["action"] for r in logged] == ["capacity"]
    await audit_survived(services, injected=2, orders=3)


async def test_the_dashboard_of_one_sale_cannot_change_a_group_of_another(
    admin: Client, services: Services, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([4])
    elsewhere = await catalogue.program([4])  # another sale
    foreign_group = elsewhere.group_ids[0]

    answer = await admin.post(
        f"/ops/sales/{camp.sale_id}/actions/capacity",
        data={
            "group_id": str(foreign_group),
            "capacity": "9",
            "_csrf_token": admin.cookies["csrftoken"],
        },
        follow_redirects=False,
    )

    assert answer.status_code == 404
    assert await capacities(services, elsewhere, foreign_group) == (4, 4)
    assert await services.pool.fetchval("SELECT count(*) FROM staff_action") == 0


async def test_the_group_form_refuses_a_capacity_below_held_places_then_holders_pay(
    admin: Client,
    client: Client,
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    app_settings: Settings,
) -> None:
    camp = await catalogue.program([5], 9500)
    group_id = camp.group_ids[0]
    holding = [await place_order(services, provider, catalogue, camp, [group_id]) for _ in range(2)]

    async def save(capacity: str) -> Any:
        form = {"name_fr": "Semaine 1", "name_en": "Week 1", "price_cents": "95,00"}
        return await admin.post(
            f"/ops/admin/groups/{group_id}",
            data={**form, "capacity": capacity, "_csrf_token": admin.cookies["csrftoken"]},
            follow_redirects=False,
        )

    refused = await save("1")
    assert refused.status_code == 409
    assert "La capacité ne peut pas être inférieure" in refused.text
    assert await capacities(services, camp, group_id) == (5, 5)
    assert (await save("2")).status_code == 303
    assert await capacities(services, camp, group_id) == (2, 2)

    await pay_all(client, provider, app_settings, holding)
    assert await statuses(services, holding) == ["paid", "paid"]
    report = await audit_survived(services, injected=2, orders=2)
    assert report.counts.paid_places == 2
