"""The hold at admission from a staged cart: no Postgres on its path, and Postgres told after.

The families, the room and the carts are the real ones; the property test
(`test_staged_cart_properties.py`) interleaves the same steps at random.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

import asyncpg
import pytest
from redis.asyncio import Redis

from rush.catalogue.reading import CatalogueReadings
from rush.config import Settings
from rush.db import create_pool
from rush.errors import FamilyNotApproved, PlacesShort
from rush.families.accounts import create_staff_account
from rush.families.approvals import decide_family
from rush.purchase.checkout import start_checkout
from rush.purchase.orders import CheckoutResult
from rush.purchase.shopping import add_to_cart, hold_at_admission
from rush.purchase.staged_carts import copy_live_carts_to_postgres
from rush.room.sales import join_queue, open_sale, prepare_room
from rush.services import Services, build_services
from tests.support.catalogue_factory import CatalogueFactory, TestFamily, TestProgram

BORN = dt.date(2018, 5, 1)


async def drafted_and_admitted(
    services: Services, catalogue: CatalogueFactory
) -> tuple[TestProgram, TestFamily, str]:
    """A scheduled sale, a family that drafts one child into its first group, then the sale
    opens and the family is admitted: its admission token."""
    sale_id = await catalogue.sale(status="scheduled")
    await services.pool.execute(
        "UPDATE sale SET admission_rate_per_min = 60000 WHERE id = $1", sale_id
    )
    camp = await catalogue.program([5, 5], 9500, sale_id=sale_id)
    family = await catalogue.family([BORN])
    await prepare_room(services.pool, services.room, sale_id)
    await join_queue(services.pool, services.room, sale_id, family.id, family.account_id)
    await add_to_cart(services, family.id, sale_id, family.child_ids, camp.group_ids[:1], {}, None)
    await open_sale(services.pool, services.room, sale_id)
    for _ in range(100):
        await services.room.admit_due(sale_id)
        standing = await services.room.standing(sale_id, family.id, join=False)
        token = services.admission.token_for(standing, family.id, sale_id)
        if token is not None:
            return camp, family, token
        await asyncio.sleep(0.01)
    raise AssertionError("the family was not admitted")


async def check_out(services: Services, family: TestFamily, camp: TestProgram) -> CheckoutResult:
    """One payment, terms accepted: checkout as the API asks for it."""
    return await start_checkout(
        services,
        services.provider,
        family.id,
        camp.sale_id,
        accept_terms=True,
        instalments=1,
        return_url="http://localhost/done",
    )


async def test_the_hold_from_a_staged_cart_needs_no_postgres(
    services: Services, catalogue: CatalogueFactory, settings: Settings, redis: Redis
) -> None:
    camp, family, token = await drafted_and_admitted(services, catalogue)
    # Web processes whose Postgres is gone: only Redis answers them.
    cut_off = await create_pool(settings.database_url, min_size=1, max_size=1)
    without_postgres = build_services(settings, cut_off, redis)
    await cut_off.close()

    cart = await hold_at_admission(without_postgres, family.id, camp.sale_id, token)

    assert [h.status for h in cart.holds] == ["live"]
    assert cart.total_cents == 9500
    places = await services.engine.places(camp.id, camp.group_ids)
    assert places.groups[camp.group_ids[0]].held == 1
    with pytest.raises(asyncpg.InterfaceError):  # the pool really was closed
        await cut_off.fetchval("SELECT 1")


async def test_an_add_to_a_full_group_while_open_is_refused_without_postgres(
    services: Services, catalogue: CatalogueFactory, settings: Settings, redis: Redis
) -> None:
    """The sell-out storm: most adds after opening are for full groups. The room says the sale
    is open, the catalogue is the process's recent reading, the refusal is one Redis read."""
    camp, family, token = await drafted_and_admitted(services, catalogue)
    full = await catalogue.program([1], 4000, sale_id=camp.sale_id)
    await services.engine.hold(full.id, "cart:someone-else", {full.group_ids[0]: 1}, 60_000, 60_000)
    recent = CatalogueReadings(services.pool, services.engine, max_age_s=3600)
    await recent.get((camp.sale_id, None))  # read by an earlier request of the process
    cut_off = await create_pool(settings.database_url, min_size=1, max_size=1)
    without_postgres = dataclasses.replace(
        build_services(settings, cut_off, redis), catalogue=recent
    )
    await cut_off.close()

    with pytest.raises(PlacesShort) as refused:
        await add_to_cart(
            without_postgres, family.id, camp.sale_id, family.child_ids, full.group_ids, {}, token
        )

    assert refused.value.group_id == full.group_ids[0]
    cart = await services.carts.view(family.id, camp.sale_id)
    assert [line.group_id for line in cart.lines] == camp.group_ids[:1]  # the draft, untouched


async def test_postgres_learns_the_cart_went_live_from_the_worker_or_at_checkout(
    services: Services, catalogue: CatalogueFactory
) -> None:
    camp, family, token = await drafted_and_admitted(services, catalogue)
    cart = await hold_at_admission(services, family.id, camp.sale_id, token)
    live_since = "SELECT live_since FROM cart WHERE id = $1"
    assert await services.pool.fetchval(live_since, cart.cart_id) is None

    copied = await copy_live_carts_to_postgres(services.pool, services.carts.staged, camp.sale_id)

    assert copied == 1
    assert await services.pool.fetchval(live_since, cart.cart_id) is not None
    assert await services.carts.staged.went_live(camp.sale_id) == []
    again = await copy_live_carts_to_postgres(services.pool, services.carts.staged, camp.sale_id)
    assert again == 0


async def test_checkout_before_the_worker_runs_orders_the_staged_cart(
    services: Services, catalogue: CatalogueFactory
) -> None:
    camp, family, token = await drafted_and_admitted(services, catalogue)
    cart = await hold_at_admission(services, family.id, camp.sale_id, token)

    result = await check_out(services, family, camp)

    assert result.total_cents == 9500
    row = await services.pool.fetchrow(
        "SELECT status, live_since FROM cart WHERE id = $1", cart.cart_id
    )
    assert row is not None
    assert row["status"] == "checked_out"
    assert row["live_since"] is not None
    assert await services.carts.staged.staged(family.id, camp.sale_id) is None


async def test_a_family_refused_after_staging_holds_nothing_and_cannot_check_out(
    services: Services, catalogue: CatalogueFactory
) -> None:
    camp, family, token = await drafted_and_admitted(services, catalogue)
    staff = await create_staff_account(
        services.pool, email="admin@ville.qc.ca", password="staff password 1", role="admin"
    )
    assert await services.carts.staged.staged(family.id, camp.sale_id) is not None

    await decide_family(
        services.pool, services.carts.staged, staff.id, family.id, False, "dossier incomplet"
    )

    assert await services.carts.staged.staged(family.id, camp.sale_id) is None
    with pytest.raises(FamilyNotApproved):
        await hold_at_admission(services, family.id, camp.sale_id, token)
    places = await services.engine.places(camp.id, camp.group_ids)
    assert places.groups[camp.group_ids[0]].held == 0


async def test_a_copy_that_outlived_a_refusal_still_buys_nothing(
    services: Services, catalogue: CatalogueFactory
) -> None:
    """A draft saved while staff refuse the family may stage it again: checkout says no."""
    camp, family, token = await drafted_and_admitted(services, catalogue)
    copy = await services.carts.staged.staged(family.id, camp.sale_id)
    assert copy is not None
    await services.pool.execute("UPDATE family SET status = 'refused' WHERE id = $1", family.id)
    await services.carts.staged.stage(family.id, camp.sale_id, copy)

    await hold_at_admission(services, family.id, camp.sale_id, token)
    with pytest.raises(FamilyNotApproved):
        await check_out(services, family, camp)

    assert await services.pool.fetchval("SELECT count(*) FROM orders") == 0
