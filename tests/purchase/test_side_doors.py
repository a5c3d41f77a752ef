"""The rules of opening morning hold whatever door a family comes through: API, pages, waitlist.

Each test is a side door that once let a family past a rule (see issue 13): the cart page held
places for a family no longer admitted; the waitlist skipped eligibility; a daycare slot was
bought without its camp week; a draft kept the price it was made at; a per-child cap of camp
weeks counted daycare slots too.
"""

from __future__ import annotations

import html
import re
from typing import Any

import asyncpg
import msgspec
from redis.asyncio import Redis

from rush.catalogue.fields import GroupFields
from rush.catalogue.group_admin import get_group, update_group
from rush.families.accounts import set_family_status
from rush.purchase.waitlist import offer_freed_places
from rush.services import Services
from tests.support.api_family import Client, call, open_sale, sign_up_with_two_children
from tests.support.catalogue_factory import CatalogueFactory, TestProgram

NINE_YEARS_OLD = "2018-01-15"


async def family_id_of(pool: asyncpg.Pool) -> int:
    family_id: int = await pool.fetchval(
        "SELECT family_id FROM account WHERE email = 'famille@example.ca'"
    )
    return family_id


async def scheduled_camp(catalogue: CatalogueFactory, **kwargs: Any) -> TestProgram:
    sale_id = await catalogue.sale(status="scheduled")
    return await catalogue.program(sale_id=sale_id, **kwargs)


async def held_places(redis: Redis, services: Services, camp: TestProgram) -> int:
    groups = camp.group_ids + camp.daycare_ids
    reading = await services.engine.places(camp.id, groups)
    return sum(p.held for p in reading.groups.values())


async def test_the_cart_page_holds_nothing_for_a_family_no_longer_admitted(
    family_client: Client,
    admin_client: Client,
    catalogue: CatalogueFactory,
    services: Services,
    redis: Redis,
) -> None:
    camp = await scheduled_camp(catalogue, capacities=[10], ages=(5, 12))
    sale_id = camp.sale_id
    children = await sign_up_with_two_children(family_client)
    await call(admin_client, "post", f"/api/v1/ops/sales/{sale_id}/prepare")
    await call(
        family_client,
        "post",
        f"/api/v1/sales/{sale_id}/cart/items",
        json={"person_ids": children[:1], "group_ids": camp.group_ids},
    )
    await call(family_client, "post", f"/api/v1/sales/{sale_id}/queue")
    await open_sale(admin_client, camp)
    status = await family_client.get(
        f"/sales/{sale_id}/queue/status", headers={"hx-request": "true"}
    )
    assert status.headers.get("hx-redirect") == f"/sales/{sale_id}/cart"
    # The family is idled out (or paid and left): its session still carries the token.
    assert await services.room.leave(sale_id, await family_id_of(services.pool))

    cart = await family_client.get(f"/sales/{sale_id}/cart")

    assert await held_places(redis, services, camp) == 0
    assert "salle d&#39;attente" in cart.text
    assert f'href="/sales/{sale_id}/queue"' in cart.text


async def test_the_waitlist_refuses_a_child_outside_the_group_ages(
    family_client: Client, catalogue: CatalogueFactory, services: Services
) -> None:
    story_time = await catalogue.program([1], ages=(3, 8))
    await services.engine.hold(
        story_time.id, "someone", {story_time.group_ids[0]: 1}, 60_000, 60_000
    )
    await sign_up_with_two_children(family_client)
    nine = await call(
        family_client,
        "post",
        "/api/v1/family/children",
        expect=201,
        json={"first_name": "Zoé", "last_name": "Gagnon", "birth_date": NINE_YEARS_OLD},
    )

    refused = await call(
        family_client,
        "post",
        "/api/v1/waitlist",
        expect=422,
        json={"person_id": nine["id"], "group_id": story_time.group_ids[0]},
    )

    assert refused["code"] == "not_eligible_age"
    assert await services.pool.fetchval("SELECT count(*) FROM waitlist_entry") == 0


async def test_a_refused_family_can_neither_join_a_waitlist_nor_accept_its_offer(
    family_client: Client, catalogue: CatalogueFactory, services: Services
) -> None:
    camp = await catalogue.program([1, 1], ages=(5, 12))
    for group_id in camp.group_ids:
        await services.engine.hold(camp.id, f"someone:{group_id}", {group_id: 1}, 60_000, 60_000)
    children = await sign_up_with_two_children(family_client)
    family_id = await family_id_of(services.pool)
    entry = await call(
        family_client,
        "post",
        "/api/v1/waitlist",
        expect=201,
        json={"person_id": children[0], "group_id": camp.group_ids[0]},
    )
    await services.engine.release(camp.id, f"someone:{camp.group_ids[0]}")
    assert [o.entry_id for o in await offer_freed_places(services.pool, services.engine)] == [
        entry["entry_id"]
    ]
    assert await set_family_status(services.pool, family_id, "refused")

    joined = await call(
        family_client,
        "post",
        "/api/v1/waitlist",
        expect=403,
        json={"person_id": children[1], "group_id": camp.group_ids[1]},
    )
    accepted = await call(
        family_client,
        "post",
        f"/api/v1/waitlist/{entry['entry_id']}/accept",
        expect=403,
        json={"accept_terms": True},
    )

    assert joined["code"] == accepted["code"] == "account_pending"
    assert await services.pool.fetchval("SELECT count(*) FROM orders") == 0


async def test_a_daycare_slot_needs_its_camp_week_for_the_same_child(
    family_client: Client, catalogue: CatalogueFactory, services: Services
) -> None:
    camp = await scheduled_camp(
        catalogue, capacities=[10, 10], ages=(5, 12), daycare_capacities=[10, 10]
    )
    sale_id = camp.sale_id
    children = await sign_up_with_two_children(family_client)
    cart_items = f"/api/v1/sales/{sale_id}/cart/items"

    alone = await call(
        family_client,
        "post",
        cart_items,
        expect=422,
        json={"person_ids": children[:1], "group_ids": [camp.daycare_ids[0]]},
    )
    with_week = await call(
        family_client,
        "post",
        cart_items,
        json={"person_ids": children[:1], "group_ids": [camp.group_ids[0], camp.daycare_ids[0]]},
    )
    other_child = await call(
        family_client,
        "post",
        cart_items,
        expect=422,
        json={"person_ids": children[1:], "group_ids": [camp.daycare_ids[0]]},
    )
    week_line = next(line for line in with_week["lines"] if line["group_id"] == camp.group_ids[0])
    after_removal = await call(family_client, "delete", f"{cart_items}/{week_line['item_id']}")

    assert alone["code"] == other_child["code"] == "daycare_needs_week"
    assert len(with_week["lines"]) == 2
    assert after_removal["lines"] == []  # the week's daycare leaves the cart with it


async def test_a_price_changed_after_the_draft_is_charged_and_shown_before_checkout(
    family_client: Client,
    admin_client: Client,
    catalogue: CatalogueFactory,
    services: Services,
) -> None:
    camp = await scheduled_camp(catalogue, capacities=[10], price_cents=9500, ages=(5, 12))
    sale_id = camp.sale_id
    children = await sign_up_with_two_children(family_client)
    await call(admin_client, "post", f"/api/v1/ops/sales/{sale_id}/prepare")
    draft = await call(
        family_client,
        "post",
        f"/api/v1/sales/{sale_id}/cart/items",
        json={"person_ids": children[:1], "group_ids": camp.group_ids},
    )
    # Staff change the price as the group page does, after the draft was staged.
    group = await get_group(services.pool, camp.group_ids[0])
    fields = GroupFields(**{f: getattr(group, f) for f in GroupFields.__struct_fields__})
    staff_id = await services.pool.fetchval("SELECT id FROM account WHERE role = 'admin'")
    await update_group(
        services.pool,
        services.engine,
        staff_id,
        group.id,
        msgspec.structs.replace(fields, price_cents=10500),
    )
    await call(family_client, "post", f"/api/v1/sales/{sale_id}/queue")
    await open_sale(admin_client, camp)
    status = await family_client.get(
        f"/sales/{sale_id}/queue/status", headers={"hx-request": "true"}
    )
    assert status.headers.get("hx-redirect") == f"/sales/{sale_id}/cart"

    page = await family_client.get(f"/sales/{sale_id}/cart")
    held = await call(family_client, "get", f"/api/v1/sales/{sale_id}/cart")

    assert draft["total_cents"] == 9500
    assert held["total_cents"] == 10500
    assert held["lines"][0]["previous_price_cents"] == 9500
    assert re.search(r"95,00\s*\$", page.text)
    assert re.search(r"105,00\s*\$", page.text)


async def test_a_cap_on_camp_weeks_counts_weeks_not_their_daycare(
    family_client: Client, catalogue: CatalogueFactory, services: Services
) -> None:
    camp = await scheduled_camp(
        catalogue, capacities=[10] * 4, ages=(5, 12), daycare_capacities=[10] * 3
    )
    sale_id = camp.sale_id
    await services.pool.execute(
        "INSERT INTO sale_child_cap (sale_id, program_id, max_places) VALUES ($1, $2, 3)",
        sale_id,
        camp.id,
    )
    children = await sign_up_with_two_children(family_client)
    cart_items = f"/api/v1/sales/{sale_id}/cart/items"

    weeks_with_daycare = await call(
        family_client,
        "post",
        cart_items,
        json={"person_ids": children[:1], "group_ids": camp.group_ids[:3] + camp.daycare_ids},
    )
    register = await family_client.get(f"/sales/{sale_id}/register?program_id={camp.id}")
    fourth_week = await call(
        family_client,
        "post",
        cart_items,
        expect=409,
        json={"person_ids": children[:1], "group_ids": camp.group_ids[3:]},
    )

    assert len(weeks_with_daycare["lines"]) == 6
    assert fourth_week["code"] == "child_cap_reached"
    allowance = re.search(rf'data-allowance="{children[0]}"[^>]*>([^<]*)<', register.text)
    assert allowance
    assert re.findall(r"\d+", html.unescape(allowance.group(1))) == ["0"]


async def test_a_cart_for_a_sale_that_does_not_exist_is_not_found(
    family_client: Client, catalogue: CatalogueFactory
) -> None:
    camp = await scheduled_camp(catalogue, capacities=[10], ages=(5, 12))
    children = await sign_up_with_two_children(family_client)

    refused = await call(
        family_client,
        "post",
        f"/api/v1/sales/{camp.sale_id + 1000}/cart/items",
        expect=404,
        json={"person_ids": children[:1], "group_ids": camp.group_ids},
    )

    assert refused["code"] == "unknown_sale"
