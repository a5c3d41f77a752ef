"""The staff home and the catalogue admin pages: admins build a sale from a season to its
groups, supervisors only watch, families never get in, and a refused form saves nothing."""

from __future__ import annotations

import re
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from rush.config import Settings
from rush.room.sales import prepare_room
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory
from web.app import create_app

Client = AsyncTestClient[Any]


async def _post(client: Client, url: str, **form: str) -> Any:
    return await client.post(
        url, data={**form, "_csrf_token": client.cookies["csrftoken"]}, follow_redirects=False
    )


def _id_in(location: str, after: str) -> int:
    found = re.search(rf"{after}/(\d+)", location)
    assert found, location
    return int(found.group(1))


async def _actions(pool: asyncpg.Pool) -> list[str]:
    return [r["action"] for r in await pool.fetch("SELECT action FROM staff_action ORDER BY id")]


async def test_an_admin_builds_a_sale_whose_new_group_is_bookable_at_once(
    admin: Client, services: Services
) -> None:
    season = await _post(
        admin,
        "/ops/admin/seasons/new",
        name_fr="Été 2027",
        name_en="Summer 2027",
        starts_on="2027-06-21",
        ends_on="2027-08-13",
        age_reference_date="2027-09-30",
    )
    assert season.status_code == 303
    season_id = await services.pool.fetchval("SELECT id FROM season")
    sale = await _post(
        admin,
        "/ops/admin/sales/new",
        season_id=str(season_id),
        name_fr="Inscriptions été",
        name_en="Summer registration",
        opens_at="2027-03-01T09:00",
        two_instalments_min_cents="200,00",
        second_instalment_due_on="2027-06-01",
    )
    assert sale.status_code == 303
    sale_id = _id_in(sale.headers["location"], "sales")
    program = await _post(
        admin,
        f"/ops/admin/sales/{sale_id}/programs/new",
        kind="day_camp",
        name_fr="Camp de jour",
        name_en="Day camp",
        childcare_eligible="on",
    )
    assert program.status_code == 303
    program_id = await services.pool.fetchval("SELECT id FROM program")
    group = await _post(
        admin,
        f"/ops/admin/programs/{program_id}/groups/new",
        name_fr="Semaine 1",
        name_en="Week 1",
        capacity="12",
        price_cents="95,00",
        age_min="5",
        age_max="12",
        starts_on="2027-06-21",
        ends_on="2027-06-25",
        week_number="1",
    )
    assert group.status_code == 303

    row = await services.pool.fetchrow(
        "SELECT g.id, g.price_cents, p.childcare_eligible, s.two_instalments_min_cents,"
        " s.opens_at FROM activity_group g JOIN program p ON p.id = g.program_id"
        " JOIN sale s ON s.id = p.sale_id"
    )
    assert row is not None
    assert (row["price_cents"], row["childcare_eligible"]) == (9500, True)
    assert row["two_instalments_min_cents"] == 20000
    assert row["opens_at"].isoformat() == "2027-03-01T14:00:00+00:00"  # 9:00 in Quebec (EST)
    await services.engine.hold(program_id, "cart:1", {row["id"]: 1}, 60_000, 60_000)
    places = (await services.engine.places(program_id, [row["id"]])).groups[row["id"]]
    assert places.places_left == 11
    listing = await admin.get(f"/ops/admin/sales/{sale_id}/programs")
    assert "Semaine 1" in listing.text
    assert "95,00" in listing.text
    assert await _actions(services.pool) == [
        "season_create",
        "sale_create",
        "program_create",
        "group_create",
    ]


async def test_a_capacity_below_the_paid_places_is_refused_on_the_form_and_nothing_changes(
    admin: Client, services: Services, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([5])
    g = camp.group_ids[0]
    await services.engine.hold(camp.id, "paid", {g: 3}, 60_000, 60_000)
    await catalogue.record_paid_hold(camp, "paid", {g: 3})
    await services.engine.confirm(camp.id, "paid")
    form = await admin.get(f"/ops/admin/groups/{g}")
    assert form.status_code == 200
    assert 'value="5"' in form.text

    refused = await _post(
        admin,
        f"/ops/admin/groups/{g}",
        name_fr="Renommé",
        name_en="Renamed",
        capacity="2",
        price_cents="10,00",
    )

    assert refused.status_code == 409
    assert "La capacité ne peut pas être inférieure" in refused.text
    assert 'value="Renommé"' in refused.text  # what was typed is not lost
    row = await services.pool.fetchrow(
        "SELECT capacity, name_fr FROM activity_group WHERE id = $1", g
    )
    assert row is not None
    assert (row["capacity"], row["name_fr"]) == (5, "Groupe 1")
    assert (await services.engine.places(camp.id, [g])).groups[g].capacity == 5
    assert await _actions(services.pool) == []


async def test_a_refused_group_form_explains_the_field_and_saves_nothing(
    admin: Client, services: Services, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([5])

    refused = await _post(
        admin,
        f"/ops/admin/programs/{camp.id}/groups/new",
        name_fr="Semaine 2",
        name_en="Week 2",
        capacity="5",
        price_cents="10",
        age_min="10",
        age_max="6",
    )

    assert refused.status_code == 422
    assert "L'âge minimum ne peut pas dépasser l'âge maximum." in refused.text.replace("&#39;", "'")
    assert 'id="f-age_max" name="age_max" type="number" value="6"' in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert await services.pool.fetchval("SELECT count(*) FROM activity_group") == 1
    assert await _actions(services.pool) == []


async def test_a_supervisor_opens_the_staff_home_but_no_admin_page(
    supervisor: Client, services: Services, catalogue: CatalogueFactory
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    await prepare_room(services.pool, services.room, sale_id)

    home = await supervisor.get("/ops")
    refused_page = await supervisor.get("/ops/admin/seasons")
    refused_post = await _post(
        supervisor,
        "/ops/admin/seasons/new",
        name_fr="Hiver",
        name_en="Winter",
        starts_on="2027-01-01",
        ends_on="2027-03-01",
        age_reference_date="2027-01-01",
    )
    dashboard = await supervisor.get(f"/ops/sales/{sale_id}/")

    assert home.status_code == 200
    assert "Vente" in home.text
    assert "À venir" in home.text
    assert ">scheduled<" not in home.text
    assert f'href="/ops/sales/{sale_id}/"' in home.text
    assert f"/ops/admin/sales/{sale_id}/programs" not in home.text
    assert refused_page.status_code == 403
    assert refused_post.status_code == 403
    assert await services.pool.fetchval("SELECT count(*) FROM season") == 1
    assert dashboard.status_code == 200


async def test_an_admin_home_links_to_the_catalogue_admin_of_each_sale(
    admin: Client, catalogue: CatalogueFactory
) -> None:
    sale_id = await catalogue.sale(status="open")

    home = await admin.get("/ops")

    assert "Ouverte" in home.text
    assert f'href="/ops/admin/sales/{sale_id}/programs"' in home.text
    assert 'href="/ops/admin/seasons"' in home.text


async def test_families_and_visitors_never_reach_the_staff_pages(
    settings: Settings, services: Services, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family()
    email = await services.pool.fetchval(
        "SELECT email::text FROM account WHERE family_id = $1", family.id
    )
    async with AsyncTestClient(app=create_app(settings)) as client:
        visitor = await client.get("/ops/admin/seasons", follow_redirects=False)
        await client.get("/api/v1/groups")
        await client.post(
            "/api/v1/auth/login",
            headers={"x-csrftoken": client.cookies["csrftoken"]},
            json={"email": email, "password": "correct horse battery staple"},
        )
        home = await client.get("/ops", follow_redirects=False)
        admin_page = await client.get("/ops/admin/seasons", follow_redirects=False)
        created = await _post(client, "/ops/admin/seasons/new", name_fr="X", name_en="X")

    assert visitor.status_code in (302, 303)
    assert (home.status_code, admin_page.status_code, created.status_code) == (403, 403, 403)
    assert await services.pool.fetchval("SELECT count(*) FROM season") == 0


async def test_per_child_caps_are_added_changed_and_removed_from_their_page(
    admin: Client, services: Services, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([5])

    added = await _post(
        admin,
        f"/ops/admin/sales/{camp.sale_id}/caps",
        program_id=str(camp.id),
        max_places="6",
        for_seconds="60",
    )
    cap_id = await services.pool.fetchval("SELECT id FROM sale_child_cap")
    refused = await _post(admin, f"/ops/admin/caps/{cap_id}", max_places="0")
    changed = await _post(admin, f"/ops/admin/caps/{cap_id}", max_places="4", for_seconds="")
    page = await admin.get(f"/ops/admin/sales/{camp.sale_id}/caps")
    removed = await _post(admin, f"/ops/admin/caps/{cap_id}/delete")

    assert (added.status_code, changed.status_code, removed.status_code) == (303, 303, 303)
    assert refused.status_code == 422
    assert "Ce nombre doit être plus grand que zéro." in refused.text
    assert "Pendant toute la vente" in page.text
    assert await services.pool.fetchval("SELECT count(*) FROM sale_child_cap") == 0
    assert await _actions(services.pool) == [
        "child_cap_create",
        "child_cap_update",
        "child_cap_delete",
    ]


async def test_every_admin_page_opens_filled_with_the_saved_values(
    admin: Client, services: Services, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([5], daycare_capacities=[3])
    season_id = await services.pool.fetchval("SELECT season_id FROM sale")
    cap_id = await services.pool.fetchval(
        "INSERT INTO sale_child_cap (sale_id, max_places) VALUES ($1, 2) RETURNING id",
        camp.sale_id,
    )
    pages = [
        "/ops/admin/seasons",
        "/ops/admin/seasons/new",
        f"/ops/admin/seasons/{season_id}",
        "/ops/admin/sales/new",
        f"/ops/admin/sales/{camp.sale_id}",
        f"/ops/admin/sales/{camp.sale_id}/programs",
        f"/ops/admin/sales/{camp.sale_id}/programs/new",
        f"/ops/admin/programs/{camp.id}",
        f"/ops/admin/programs/{camp.id}/groups/new",
        f"/ops/admin/groups/{camp.daycare_ids[0]}",
        f"/ops/admin/sales/{camp.sale_id}/caps",
        f"/ops/admin/caps/{cap_id}",
    ]

    answers = {url: await admin.get(url) for url in pages}

    assert {url: a.status_code for url, a in answers.items()} == dict.fromkeys(pages, 200)
    assert 'value="2027-06-21"' in answers[f"/ops/admin/seasons/{season_id}"].text
    daycare_form = answers[f"/ops/admin/groups/{camp.daycare_ids[0]}"].text
    assert f'<option value="{camp.group_ids[0]}" selected>' in daycare_form
    assert 'name="capacity" type="number" value="3"' in daycare_form
    assert 'name="price_cents" type="text" value="3.00"' in daycare_form  # 300 cents
    assert (await admin.get("/ops/admin/groups/999999")).status_code == 404
