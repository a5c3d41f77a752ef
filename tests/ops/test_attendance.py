"""Attendance on site: staff find a registered child and mark them present, on a tablet."""

from __future__ import annotations

import datetime as dt
import re

import asyncpg
import httpx

from rush.config import Settings
from rush.i18n import TIME_ZONE
from tests.support.catalogue_factory import CatalogueFactory, TestProgram
from tests.support.ops_sessions import Client, registered_child, signed_in_family

DAY = dt.date(2027, 7, 5)


async def named_child(
    catalogue: CatalogueFactory, camp: TestProgram, group_id: int, first: str, last: str
) -> int:
    child = await registered_child(catalogue, camp, group_id, f"hold-{first}")
    await catalogue.pool.execute(
        "UPDATE person SET first_name = $2, last_name = $3 WHERE id = $1",
        child.person_id,
        first,
        last,
    )
    return child.person_id


def counts(page: httpx.Response) -> tuple[int, int]:
    """(expected, came) as the sheet shows them."""
    expected = re.search(r'data-k="expected">(\d+)<', page.text)
    came = re.search(r'data-k="came">(\d+)<', page.text)
    assert expected, page.text
    assert came, page.text
    return int(expected[1]), int(came[1])


async def tap(
    client: Client, group_id: int, person_id: int, present: bool, htmx: bool = True
) -> httpx.Response:
    headers = {"x-csrftoken": client.cookies["csrftoken"]}
    if htmx:
        headers["hx-request"] = "true"
    return await client.post(
        f"/ops/attendance/groups/{group_id}/{DAY.isoformat()}/people/{person_id}",
        data={"present": "true" if present else "false"},
        headers=headers,
        follow_redirects=False,
    )


async def test_a_supervisor_marks_a_child_present_and_the_counts_follow(
    supervisor: Client, pool: asyncpg.Pool, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([10])
    group_id = camp.group_ids[0]
    eloise = await named_child(catalogue, camp, group_id, "Éloïse", "Côté")
    await named_child(catalogue, camp, group_id, "Noah", "Gagnon")
    sheet_url = f"/ops/attendance/groups/{group_id}/{DAY.isoformat()}"
    assert counts(await supervisor.get(sheet_url)) == (2, 0)

    marked = await tap(supervisor, group_id, eloise, present=True)

    assert marked.status_code == 200
    assert f'id="child-{eloise}"' in marked.text
    assert 'aria-pressed="true"' in marked.text
    assert 'hx-swap-oob="true"' in marked.text
    assert counts(marked) == (2, 1)
    assert counts(await supervisor.get(sheet_url)) == (2, 1)
    row = await pool.fetchrow(
        "SELECT at.present, a.email::text AS marked_by FROM attendance at"
        " JOIN account a ON a.id = at.marked_by"
        " WHERE at.group_id = $1 AND at.person_id = $2 AND at.session_date = $3",
        group_id,
        eloise,
        DAY,
    )
    assert row is not None
    assert (row["present"], row["marked_by"]) == (True, "supervisor@ville.qc.ca")
    other_day = await supervisor.get(f"/ops/attendance/groups/{group_id}/2027-07-06")
    assert counts(other_day) == (2, 0)


async def test_unmarking_a_child_counts_them_absent_again_even_without_javascript(
    supervisor: Client, pool: asyncpg.Pool, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([10])
    group_id = camp.group_ids[0]
    noah = await named_child(catalogue, camp, group_id, "Noah", "Gagnon")
    await tap(supervisor, group_id, noah, present=True)

    unmarked = await tap(supervisor, group_id, noah, present=False, htmx=False)

    assert unmarked.status_code in (302, 303)
    assert unmarked.headers["location"] == f"/ops/attendance/groups/{group_id}/{DAY.isoformat()}"
    page = await supervisor.get(unmarked.headers["location"])
    assert counts(page) == (1, 0)
    assert 'aria-pressed="false"' in page.text
    assert await pool.fetchval("SELECT present FROM attendance WHERE person_id = $1", noah) is False
    logged = await pool.fetch("SELECT action, details FROM staff_action ORDER BY id")
    assert [r["action"] for r in logged] == ["attendance", "attendance"]


async def test_the_search_finds_a_child_by_name_whatever_the_accents(
    supervisor: Client, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([10])
    group_id = camp.group_ids[0]
    await named_child(catalogue, camp, group_id, "Éloïse", "Côté")
    await named_child(catalogue, camp, group_id, "Noah", "Gagnon")
    base = f"/ops/attendance/groups/{group_id}/{DAY.isoformat()}"

    page = await supervisor.get(base)
    found = await supervisor.get(f"{base}/children", params={"q": "eloise cote"})
    none = await supervisor.get(f"{base}/children", params={"q": "zoé"})
    filtered_page = await supervisor.get(base, params={"q": "gag"})

    assert f'hx-get="{base}/children"' in page.text
    assert 'hx-trigger="input changed delay:200ms' in page.text
    assert "Éloïse Côté" in found.text
    assert "Noah" not in found.text
    assert "Aucun enfant ne correspond à cette recherche." in none.text
    assert "Noah Gagnon" in filtered_page.text
    assert "Éloïse" not in filtered_page.text
    assert counts(filtered_page) == (2, 0)


async def test_a_child_not_registered_in_the_group_cannot_be_marked(
    supervisor: Client, pool: asyncpg.Pool, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([10, 10])
    elsewhere = await named_child(catalogue, camp, camp.group_ids[1], "Noah", "Gagnon")
    cancelled = await named_child(catalogue, camp, camp.group_ids[0], "Léa", "Roy")
    await pool.execute(
        "UPDATE registration SET status = 'cancelled', cancelled_at = now() WHERE person_id = $1",
        cancelled,
    )

    refused = await tap(supervisor, camp.group_ids[0], elsewhere, present=True, htmx=False)
    refused_cancelled = await tap(
        supervisor, camp.group_ids[0], cancelled, present=True, htmx=False
    )

    assert refused.status_code == 422
    assert "Cet enfant n&#39;est pas inscrit dans ce groupe." in refused.text
    assert refused_cancelled.status_code == 422
    assert await pool.fetchval("SELECT count(*) FROM attendance") == 0
    assert await pool.fetchval("SELECT count(*) FROM staff_action") == 0


async def test_the_group_list_puts_the_groups_running_today_first(
    supervisor: Client, pool: asyncpg.Pool, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([10, 10])
    later, running = camp.group_ids
    today = dt.datetime.now(TIME_ZONE).date()
    await pool.execute(
        "UPDATE activity_group SET starts_on = $2, ends_on = $3 WHERE id = $1",
        later,
        today + dt.timedelta(days=30),
        today + dt.timedelta(days=34),
    )
    await pool.execute(
        "UPDATE activity_group SET starts_on = $2, ends_on = $3 WHERE id = $1",
        running,
        today - dt.timedelta(days=1),
        today + dt.timedelta(days=3),
    )

    page = await supervisor.get("/ops/attendance")

    assert page.status_code == 200
    first = page.text.index(f"/ops/attendance/groups/{running}/{today.isoformat()}")
    second = page.text.index(f"/ops/attendance/groups/{later}/{today.isoformat()}")
    assert first < second


async def test_families_are_refused_the_attendance_pages(
    settings: Settings, pool: asyncpg.Pool, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([10])
    group_id = camp.group_ids[0]
    family = await catalogue.family([dt.date(2019, 4, 2)])
    child = family.child_ids[0]
    client = await signed_in_family(settings, pool, family.id)
    try:
        listing = await client.get("/ops/attendance")
        sheet = await client.get(f"/ops/attendance/groups/{group_id}/{DAY.isoformat()}")
        marked = await tap(client, group_id, child, present=True, htmx=False)
    finally:
        await client.__aexit__(None, None, None)
    assert (listing.status_code, sheet.status_code, marked.status_code) == (403, 403, 403)
    assert await pool.fetchval("SELECT count(*) FROM attendance") == 0


async def test_the_present_button_agrees_with_the_childs_sex_and_stays_neutral_when_unknown(
    supervisor: Client, pool: asyncpg.Pool, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([10])
    group_id = camp.group_ids[0]
    girl = await named_child(catalogue, camp, group_id, "Éloïse", "Côté")
    boy = await named_child(catalogue, camp, group_id, "Noah", "Gagnon")
    unknown = await named_child(catalogue, camp, group_id, "Alex", "Roy")
    await pool.execute("UPDATE person SET sex = 'f' WHERE id = $1", girl)
    await pool.execute("UPDATE person SET sex = 'm' WHERE id = $1", boy)

    sheet = (await supervisor.get(f"/ops/attendance/groups/{group_id}/{DAY.isoformat()}")).text

    assert 'aria-label="Présente : Éloïse Côté"' in sheet
    assert 'aria-label="Présent : Noah Gagnon"' in sheet
    assert 'aria-label="Présence : Alex Roy"' in sheet
    assert f'id="child-{unknown}"' in sheet
