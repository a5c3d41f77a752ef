"""The attendance sheet as monitors need it at the end of the day: health flags on each row, the
people the family allows to pick the child up, and a sign-out that accepts only them."""

from __future__ import annotations

import datetime as dt
import re

import asyncpg
import httpx

from rush.config import Settings
from rush.crypto import FieldCipher
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.ops_sessions import Client, fill_family_file, registered_child

DAY = dt.date(2027, 7, 5)


def row_of(page: httpx.Response, person_id: int) -> str:
    """The child's row on the sheet, up to the next child's."""
    start = page.text.index(f'id="child-{person_id}"')
    end = page.text.find('<li class="attendee', start)
    return page.text[start : end if end != -1 else len(page.text)].replace("&#39;", "'")


async def post_form(
    client: Client, url: str, data: dict[str, str], htmx: bool = True
) -> httpx.Response:
    headers = {"x-csrftoken": client.cookies["csrftoken"]}
    if htmx:
        headers["hx-request"] = "true"
    return await client.post(url, data=data, headers=headers, follow_redirects=False)


async def eloise_and_noah(
    pool: asyncpg.Pool, settings: Settings, catalogue: CatalogueFactory
) -> tuple[int, int, int]:
    """A group with Éloïse (EpiPen, allergies, medication; Lucie Roy may pick her up) and Noah,
    whose family filled in nothing: (group, Éloïse, Noah)."""
    camp = await catalogue.program([10])
    group_id = camp.group_ids[0]
    eloise = await registered_child(catalogue, camp, group_id, "hold-eloise")
    noah = await registered_child(catalogue, camp, group_id, "hold-noah")
    await fill_family_file(pool, FieldCipher(settings.encryption_key_list), eloise)
    return group_id, eloise.person_id, noah.person_id


async def test_the_sheet_flags_an_epipen_child_and_lists_who_may_pick_her_up(
    supervisor: Client, pool: asyncpg.Pool, settings: Settings, catalogue: CatalogueFactory
) -> None:
    group_id, eloise, noah = await eloise_and_noah(pool, settings, catalogue)

    sheet = await supervisor.get(f"/ops/attendance/groups/{group_id}/{DAY.isoformat()}")

    assert sheet.status_code == 200
    hers, his = row_of(sheet, eloise), row_of(sheet, noah)
    assert 'data-flag="epipen"' in hers
    assert "Allergies : Arachides et noix (réaction sévère)" in hers
    assert "Médicaments : Ventolin au besoin" in hers
    assert "Lucie Roy — Tante" in hers
    assert "Marie Côté — Parent ou tuteur" in hers
    assert "Jean Côté" not in hers  # an emergency contact, not allowed to pick her up
    assert 'data-flag="epipen"' not in his
    assert 'data-flag="no-sheet"' in his


async def test_signing_out_records_the_chosen_person_and_the_time(
    supervisor: Client, pool: asyncpg.Pool, settings: Settings, catalogue: CatalogueFactory
) -> None:
    group_id, eloise, _ = await eloise_and_noah(pool, settings, catalogue)
    base = f"/ops/attendance/groups/{group_id}/{DAY.isoformat()}"
    await post_form(supervisor, f"{base}/people/{eloise}", {"present": "true"})
    before = row_of(await supervisor.get(base), eloise)
    assert f'action="{base}/people/{eloise}/sign-out"' in before
    assert '<option value="Lucie Roy">' in before

    signed = await post_form(
        supervisor, f"{base}/people/{eloise}/sign-out", {"pickup": "Lucie Roy"}
    )

    assert signed.status_code == 200
    assert "Départ à" in row_of(signed, eloise)
    assert "avec Lucie Roy (Tante)" in row_of(signed, eloise)
    assert 'data-k="left">1<' in signed.text
    row = await pool.fetchrow(
        "SELECT at.present, at.signed_out_to, at.signed_out_relationship,"
        " a.email::text AS signed_out_by, now() - at.signed_out_at AS ago"
        " FROM attendance at JOIN account a ON a.id = at.signed_out_by"
        " WHERE at.group_id = $1 AND at.person_id = $2 AND at.session_date = $3",
        group_id,
        eloise,
        DAY,
    )
    assert row is not None
    assert (row["present"], row["signed_out_to"], row["signed_out_relationship"]) == (
        True,
        "Lucie Roy",
        "Tante",
    )
    assert row["signed_out_by"] == "supervisor@ville.qc.ca"
    assert dt.timedelta(0) <= row["ago"] < dt.timedelta(minutes=1)
    page = await supervisor.get(base)
    assert "avec Lucie Roy (Tante)" in row_of(page, eloise)
    assert f'action="{base}/people/{eloise}/sign-out"' not in row_of(page, eloise)
    actions = await pool.fetch("SELECT action FROM staff_action ORDER BY id")
    assert [r["action"] for r in actions] == ["attendance", "sign_out"]


async def test_a_parent_of_the_file_may_sign_the_child_out_without_javascript(
    supervisor: Client, pool: asyncpg.Pool, settings: Settings, catalogue: CatalogueFactory
) -> None:
    group_id, eloise, _ = await eloise_and_noah(pool, settings, catalogue)
    base = f"/ops/attendance/groups/{group_id}/{DAY.isoformat()}"

    signed = await post_form(
        supervisor, f"{base}/people/{eloise}/sign-out", {"pickup": "Marie Côté"}, htmx=False
    )

    assert signed.status_code in (302, 303)
    assert signed.headers["location"] == base
    stored = await pool.fetchrow(
        "SELECT present, signed_out_to FROM attendance WHERE person_id = $1", eloise
    )
    assert stored is not None
    assert (stored["present"], stored["signed_out_to"]) == (True, "Marie Côté")


async def test_signing_out_to_someone_not_authorised_is_refused_and_records_nothing(
    supervisor: Client, pool: asyncpg.Pool, settings: Settings, catalogue: CatalogueFactory
) -> None:
    group_id, eloise, noah = await eloise_and_noah(pool, settings, catalogue)
    base = f"/ops/attendance/groups/{group_id}/{DAY.isoformat()}"
    await post_form(supervisor, f"{base}/people/{eloise}", {"present": "true"})

    emergency_only = await post_form(
        supervisor, f"{base}/people/{eloise}/sign-out", {"pickup": "Jean Côté"}, htmx=False
    )
    stranger = await post_form(
        supervisor, f"{base}/people/{eloise}/sign-out", {"pickup": "Quelqu'un d'autre"}, htmx=False
    )
    someone_elses = await post_form(
        supervisor, f"{base}/people/{noah}/sign-out", {"pickup": "Lucie Roy"}, htmx=False
    )

    for refused in (emergency_only, stranger, someone_elses):
        assert refused.status_code == 422
        assert "Cette personne n'est pas autorisée à venir chercher cet enfant" in re.sub(
            "&#39;", "'", refused.text
        )
    signed_out = await pool.fetchval(
        "SELECT count(*) FROM attendance WHERE signed_out_at IS NOT NULL"
    )
    assert signed_out == 0
    assert await pool.fetchval("SELECT count(*) FROM staff_action WHERE action = 'sign_out'") == 0


async def test_unmarking_a_signed_out_child_forgets_the_sign_out(
    supervisor: Client, pool: asyncpg.Pool, settings: Settings, catalogue: CatalogueFactory
) -> None:
    group_id, eloise, _ = await eloise_and_noah(pool, settings, catalogue)
    base = f"/ops/attendance/groups/{group_id}/{DAY.isoformat()}"
    await post_form(supervisor, f"{base}/people/{eloise}/sign-out", {"pickup": "Lucie Roy"})

    unmarked = await post_form(supervisor, f"{base}/people/{eloise}", {"present": "false"})

    assert 'data-k="left">0<' in unmarked.text
    assert "Départ à" not in row_of(unmarked, eloise)
    stored = await pool.fetchrow(
        "SELECT present, signed_out_to FROM attendance WHERE person_id = $1", eloise
    )
    assert stored is not None
    assert (stored["present"], stored["signed_out_to"]) == (False, None)
