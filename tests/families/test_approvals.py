"""Staff decide on a waiting family from its file, and the family is told, with the reason of a
refusal, in its own language."""

from __future__ import annotations

import datetime as dt
import uuid
from email.message import EmailMessage

import asyncpg

from cli.processes import build_worker
from rush.catalogue.eligibility import age_on
from rush.config import Settings
from rush.crypto import FieldCipher
from rush.dev.mail_catcher import MailCatcher
from rush.families.accounts import create_family_account
from rush.families.family_file_storage import (
    add_child,
    get_family_file,
    set_address,
    update_adult,
)
from rush.families.family_file_types import Address, AdultDetails, ChildDetails
from rush.families.family_file_validation import quebec_today
from rush.i18n import format_date
from tests.support.forms import csrf_of
from tests.support.ops_sessions import (
    Client,
    RegisteredChild,
    fill_family_file,
    signed_in_family,
)

LEA_BORN = dt.date(2018, 3, 14)
REASON = "L'adresse n'est pas à Saint-Lambert : le camp est réservé aux résidents."


async def pending_family(
    pool: asyncpg.Pool, email: str, locale: str = "fr-CA", first_name: str = "Julie"
) -> int:
    account = await create_family_account(
        pool,
        email=email,
        password="correct horse battery staple",
        first_name=first_name,
        last_name="Gagnon",
        locale=locale,
        needs_approval=True,
    )
    assert account.family_id is not None
    return account.family_id


async def deliver_emails(settings: Settings) -> None:
    worker = build_worker(settings, handle_signals=False, burst=True)
    try:
        await worker.main()
    finally:
        await worker.close()


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content


def readable(html: str) -> str:
    return html.replace("\xa0", " ").replace("\u202f", " ").replace("&#39;", "'")


async def test_the_approval_screen_shows_the_file_with_birth_dates_ages_and_what_is_missing(
    admin: Client, pool: asyncpg.Pool, settings: Settings
) -> None:
    cipher = FieldCipher(settings.encryption_key_list)
    family_id = await pending_family(pool, "julie@example.ca")
    adult = (await get_family_file(pool, cipher, family_id)).adults[0]
    await update_adult(
        pool,
        family_id,
        adult.id,
        AdultDetails(first_name="Julie", last_name="Gagnon", phone_mobile="450 555-0199"),
    )
    await set_address(
        pool,
        family_id,
        Address(street="12, rue Notre-Dame", city="Saint-Lambert", postal_code="J4P 2K3"),
    )
    await add_child(
        pool,
        cipher,
        family_id,
        ChildDetails(first_name="Léa", last_name="Gagnon", birth_date=LEA_BORN),
    )

    complete = await pending_family(pool, "marie@example.ca", first_name="Marie")
    eloise = await add_child(
        pool, cipher, complete, ChildDetails(first_name="É", last_name="C", birth_date=LEA_BORN)
    )
    await set_address(
        pool,
        complete,
        Address(street="3, rue Victoria", city="Saint-Lambert", postal_code="J4P 1A1"),
    )
    await fill_family_file(pool, cipher, RegisteredChild(complete, eloise, uuid.uuid4()))

    listing = await admin.get("/ops/families")

    assert listing.status_code == 200
    page, complete_file = readable(listing.text).split(f'data-family="{complete}"')
    expected_age = age_on(LEA_BORN, quebec_today())
    assert "12, rue Notre-Dame" in page
    assert "Saint-Lambert" in page
    assert "Cellulaire : 450 555-0199" in page
    assert "Léa Gagnon" in page
    assert format_date(LEA_BORN, "fr-CA") in page
    assert f"{expected_age} ans" in page
    assert "Fiche santé et sécurité manquante pour Léa Gagnon" in page
    assert "Aucun contact d'urgence pour Léa Gagnon" in page
    assert "Aucun payeur du Relevé 24" in page
    assert "Le dossier est complet." not in page
    assert "Le dossier est complet." in complete_file
    assert "Fiche santé et sécurité manquante" not in complete_file


async def test_a_refusal_without_a_reason_changes_nothing(
    admin: Client, pool: asyncpg.Pool
) -> None:
    family_id = await pending_family(pool, "vide@example.ca")
    listing = await admin.get("/ops/families")
    assert 'name="reason"' in listing.text
    assert "required" in listing.text

    refused = await admin.post(
        f"/ops/families/{family_id}/refuse",
        data={"_csrf_token": csrf_of(listing.text), "reason": "   "},
        follow_redirects=False,
    )
    by_api = await admin.post(
        f"/api/v1/ops/families/{family_id}/refuse",
        headers={"x-csrftoken": admin.cookies["csrftoken"]},
        json={"reason": ""},
    )
    without_body = await admin.post(
        f"/api/v1/ops/families/{family_id}/refuse",
        headers={"x-csrftoken": admin.cookies["csrftoken"]},
        json={},
    )

    assert refused.status_code == 422
    assert "Indiquez à la famille pourquoi son dossier est refusé" in readable(refused.text)
    assert by_api.status_code == 422
    assert by_api.json()["code"] == "refusal_reason_invalid"
    assert without_body.status_code == 400
    assert await pool.fetchval("SELECT status FROM family WHERE id = $1", family_id) == "pending"
    assert await pool.fetchval("SELECT count(*) FROM staff_action") == 0


async def test_the_refusal_reason_is_kept_shown_to_staff_and_emailed_in_the_familys_language(
    admin: Client,
    pool: asyncpg.Pool,
    app_settings: Settings,
    catcher: MailCatcher,
) -> None:
    french = await pending_family(pool, "julie@example.ca")
    english = await pending_family(pool, "anna@example.ca", locale="en", first_name="Anna")
    listing = await admin.get("/ops/families")

    refused = await admin.post(
        f"/ops/families/{french}/refuse",
        data={"_csrf_token": csrf_of(listing.text), "reason": REASON},
        follow_redirects=False,
    )
    by_api = await admin.post(
        f"/api/v1/ops/families/{english}/refuse",
        headers={"x-csrftoken": admin.cookies["csrftoken"]},
        json={"reason": "The address is outside Saint-Lambert."},
    )

    assert refused.status_code in (302, 303)
    assert by_api.json() == {"status": "refused"}
    stored = await pool.fetchrow("SELECT status, refusal_reason FROM family WHERE id = $1", french)
    assert stored is not None
    assert (stored["status"], stored["refusal_reason"]) == ("refused", REASON)
    assert REASON in readable((await admin.get("/ops/families")).text)
    await deliver_emails(app_settings)
    to_julie = [m for m in catcher.messages if m["To"] == "julie@example.ca"]
    to_anna = [m for m in catcher.messages if m["To"] == "anna@example.ca"]
    assert [m["Subject"] for m in to_julie] == ["Votre dossier familial n'a pas été approuvé"]
    assert [m["Subject"] for m in to_anna] == ["Your family file was not approved"]
    julie_text, anna_text = text_of(to_julie[0]), text_of(to_anna[0])
    assert "Bonjour Julie," in julie_text
    assert REASON in julie_text
    assert "corrigez votre dossier familial" in julie_text
    assert "http://rush.test/family" in julie_text
    assert "Hello Anna," in anna_text
    assert "The address is outside Saint-Lambert." in anna_text
    assert "correct your family file" in anna_text
    julie = await signed_in_family(app_settings, pool, french)
    try:
        her_file = await julie.get("/family")
    finally:
        await julie.__aexit__(None, None, None)
    assert f"Motif indiqué : {REASON}" in readable(her_file.text)


async def test_the_approval_email_leads_to_the_family_file(
    admin: Client, pool: asyncpg.Pool, app_settings: Settings, catcher: MailCatcher
) -> None:
    family_id = await pending_family(pool, "julie@example.ca")
    listing = await admin.get("/ops/families")

    await admin.post(
        f"/ops/families/{family_id}/approve",
        data={"_csrf_token": csrf_of(listing.text)},
        follow_redirects=False,
    )

    await deliver_emails(app_settings)
    told = [m for m in catcher.messages if m["To"] == "julie@example.ca"]
    assert [m["Subject"] for m in told] == ["Votre dossier familial est approuvé"]
    body = text_of(told[0])
    assert "Ouvrir mon dossier familial : http://rush.test/family\r\n" in body
    assert "/login" not in body
    assert await pool.fetchval("SELECT refusal_reason FROM family WHERE id = $1", family_id) is None
