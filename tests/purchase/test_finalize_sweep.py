"""Paid orders whose finalize job was lost are found from Postgres, and only those."""

from __future__ import annotations

import asyncpg

from rush.purchase.finalize_sweep import orders_to_refinalize
from rush.purchase.orders import CheckoutResult, finalize_order
from rush.purchase.payments import SimulatedProvider
from rush.services import Services
from tests.purchase.test_checkout_and_finalize import cart_with_camp, checkout, pay
from tests.support.catalogue_factory import CatalogueFactory


async def _age_events(pool: asyncpg.Pool, seconds: int) -> None:
    await pool.execute(
        "UPDATE payment_event SET received_at = received_at - make_interval(secs => $1)", seconds
    )


async def _order_paid_at_provider(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    succeed: bool = True,
) -> CheckoutResult:
    """A family's camp order whose payment the provider completed (recorded, not finalized)."""
    camp, family = await cart_with_camp(services, catalogue)
    order = await checkout(services, provider, family.id, camp.sale_id)
    assert order.payment_url is not None
    await pay(provider, services, order.payment_url, succeed=succeed)
    return order


async def test_an_order_paid_but_never_finalized_is_found_once_its_grace_is_over(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    order = await _order_paid_at_provider(services, provider, catalogue)

    assert await orders_to_refinalize(services.pool, grace_seconds=30) == []
    await _age_events(services.pool, 60)
    assert await orders_to_refinalize(services.pool, grace_seconds=30) == [order.order_id]


async def test_a_paid_order_is_found_until_its_confirmation_is_sent(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    order = await _order_paid_at_provider(services, provider, catalogue)
    await finalize_order(services, provider, order.order_id)
    await _age_events(services.pool, 60)
    assert await orders_to_refinalize(services.pool) == [order.order_id]

    await services.pool.execute(
        "INSERT INTO sent_email (purpose, recipient, subject)"
        " VALUES ($1, 'a@b.ca', 'Confirmation')",
        f"confirmation:{order.order_id}",
    )
    assert await orders_to_refinalize(services.pool) == []


async def test_an_order_not_paid_at_the_provider_is_left_alone(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    await _order_paid_at_provider(services, provider, catalogue, succeed=False)
    await _age_events(services.pool, 60)
    assert await orders_to_refinalize(services.pool) == []
