"""Accounts: staff approval, emailed single-use links, and a rate-limited login."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from cli.processes import build_worker
from rush.config import Settings
from rush.dev.mail_catcher import MailCatcher
from rush.families.account_attempts import ACCOUNT_ATTEMPTS
from rush.families.accounts import confirm_email, create_staff_account
from rush.room.sales import prepare_room
from rush.room.waiting_room import WaitingRoom
from tests.support.api_family import sign_up_and_log_in
from tests.support.catalogue_factory import CatalogueFactory
from web.app import create_app
from web.rate_limits import LOGINS_PER_MINUTE

Client = AsyncTestClient[Any]
PASSWORD = "mot de passe 123"


@pytest.fixture
async def browser(app_settings: Settings, clean: None) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(app_settings)) as client:
        yield client


async def csrf(client: Client) -> dict[str, str]:
    if "csrftoken" not in client.cookies:
        await client.get("/api/v1/groups")
    return {"x-csrftoken": client.cookies["csrftoken"]}


async def sign_up(client: Client, email: str = "julie@example.ca") -> Any:
    """Sign up, then log in (sign-up signs no one in); the account as logging in answers it."""
    return await sign_up_and_log_in(client, email, "Julie", "Roy")


async def deliver_emails(settings: Settings) -> None:
    worker = build_worker(settings, handle_signals=False, burst=True)
    try:
        await worker.main()
    finally:
        await worker.close()


def link_in(catcher: MailCatcher, path: str) -> str:
    for message in catcher.messages:
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        found = re.search(rf"https?://[^\s]+{re.escape(path)}\?token=[\w-]+", text)
        if found:
            url = urlsplit(found.group(0))
            return f"{url.path}?{url.query}"
    pytest.fail(f"no {path} link was emailed")


async def test_a_family_waits_for_staff_approval_when_the_site_asks_for_it(
    app_settings: Settings,
    pool: asyncpg.Pool,
    redis: Redis,
    catalogue: CatalogueFactory,
    clean: None,
) -> None:
    strict = msgspec.structs.replace(app_settings, accounts_need_approval=True)
    sale_id = await catalogue.sale(status="scheduled")
    await create_staff_account(
        pool, email="admin@ville.qc.ca", password="admin password 1", role="admin"
    )
    async with (
        AsyncTestClient(app=create_app(strict)) as family,
        AsyncTestClient(app=create_app(strict)) as admin,
    ):
        account = await sign_up(family)
        await confirm_email(pool, account["id"])  # this test is about the approval
        await prepare_room(pool, WaitingRoom(redis), sale_id)
        refused = await family.post(f"/api/v1/sales/{sale_id}/queue", headers=await csrf(family))
        assert refused.status_code == 403
        assert refused.json()["code"] == "account_pending"

        await admin.post(
            "/api/v1/auth/login",
            headers=await csrf(admin),
            json={"email": "admin@ville.qc.ca", "password": "admin password 1"},
        )
        approved = await admin.post(
            f"/api/v1/ops/families/{account['family_id']}/approve", headers=await csrf(admin)
        )
        assert approved.json() == {"status": "approved"}
        joined = await family.post(f"/api/v1/sales/{sale_id}/queue", headers=await csrf(family))
        assert joined.json()["state"] == "prequeue"


async def test_the_emailed_confirmation_link_works_once(
    browser: Client, app_settings: Settings, pool: asyncpg.Pool, catcher: MailCatcher
) -> None:
    account = await sign_up(browser)
    await deliver_emails(app_settings)
    link = link_in(catcher, "/confirm-email")

    first = await browser.get(link)
    again = await browser.get(link)

    assert first.status_code == 200
    assert again.status_code == 400
    confirmed = await pool.fetchval(
        "SELECT email_confirmed_at FROM account WHERE id = $1", account["id"]
    )
    assert confirmed is not None


async def test_a_forgotten_password_is_reset_by_a_single_use_link(
    browser: Client, app_settings: Settings, pool: asyncpg.Pool, catcher: MailCatcher
) -> None:
    await sign_up(browser)
    form = await browser.get("/password/forgot")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
    assert token
    sent = await browser.post(
        "/password/forgot", data={"email": "julie@example.ca", "_csrf_token": token.group(1)}
    )
    unknown = await browser.post(
        "/password/forgot", data={"email": "nobody@example.ca", "_csrf_token": token.group(1)}
    )
    assert sent.text.count('role="status"') == unknown.text.count('role="status"') == 1
    await deliver_emails(app_settings)
    link = link_in(catcher, "/password/reset")
    reset_token = link.split("token=", 1)[1]

    changed = await browser.post(
        "/password/reset",
        data={
            "token": reset_token,
            "password": "nouveau mot de passe",
            "_csrf_token": token.group(1),
        },
        follow_redirects=False,
    )
    reused = await browser.post(
        "/password/reset",
        data={
            "token": reset_token,
            "password": "encore un autre mdp",
            "_csrf_token": token.group(1),
        },
    )

    assert changed.status_code in (302, 303)
    assert reused.status_code == 400
    login = {"email": "julie@example.ca", "password": "nouveau mot de passe"}
    assert (
        await browser.post("/api/v1/auth/login", headers=await csrf(browser), json=login)
    ).status_code == 200
    old = {"email": "julie@example.ca", "password": PASSWORD}
    assert (
        await browser.post("/api/v1/auth/login", headers=await csrf(browser), json=old)
    ).status_code == 401


async def test_an_expired_reset_link_is_refused(
    browser: Client, app_settings: Settings, pool: asyncpg.Pool, catcher: MailCatcher
) -> None:
    await sign_up(browser)
    form = await browser.get("/password/forgot")
    csrf_token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
    assert csrf_token
    await browser.post(
        "/password/forgot", data={"email": "julie@example.ca", "_csrf_token": csrf_token.group(1)}
    )
    await deliver_emails(app_settings)
    reset_token = link_in(catcher, "/password/reset").split("token=", 1)[1]
    await pool.execute("UPDATE account_token SET expires_at = now() - interval '1 second'")

    expired = await browser.post(
        "/password/reset",
        data={
            "token": reset_token,
            "password": "nouveau mot de passe",
            "_csrf_token": csrf_token.group(1),
        },
    )
    assert expired.status_code == 400


async def test_logins_are_rate_limited(browser: Client) -> None:
    headers = await csrf(browser)
    statuses = [
        (
            await browser.post(
                "/api/v1/auth/login",
                headers=headers,
                json={"email": f"x{n}@example.ca", "password": "wrong"},
            )
        ).status_code
        for n in range(22)
    ]
    assert statuses[:20] == [401] * 20
    assert statuses[-1] == 429


async def test_a_sign_up_with_a_known_email_answers_like_a_new_one_and_tells_its_owner(
    app_settings: Settings, pool: asyncpg.Pool, catcher: MailCatcher, clean: None
) -> None:
    form = {"password": PASSWORD, "first_name": "Julie", "last_name": "Roy"}
    async with (
        AsyncTestClient(app=create_app(app_settings)) as newcomer,
        AsyncTestClient(app=create_app(app_settings)) as prober,
    ):
        new = await newcomer.post(
            "/api/v1/auth/signup",
            headers=await csrf(newcomer),
            json={"email": "julie@example.ca", **form},
        )
        known = await prober.post(
            "/api/v1/auth/signup",
            headers=await csrf(prober),
            json={"email": "julie@example.ca", **form | {"password": "autre mot de passe"}},
        )
        new_me = await newcomer.get("/api/v1/auth/me")
        known_me = await prober.get("/api/v1/auth/me")

    assert (new.status_code, new.content) == (known.status_code, known.content)
    assert (new.status_code, new.json()) == (202, {"status": "check_your_email"})
    assert sorted(new.cookies) == sorted(known.cookies)
    assert new_me.status_code == known_me.status_code == 401  # neither is signed in
    assert await pool.fetchval("SELECT count(*) FROM account") == 1
    await deliver_emails(app_settings)
    subjects = sorted(str(message["subject"]) for message in catcher.messages)
    assert subjects == [
        "Confirmez votre adresse courriel",
        "Un compte utilise déjà votre adresse courriel",
    ]
    assert all(message["to"] == "julie@example.ca" for message in catcher.messages)
    notice = next(m for m in catcher.messages if "déjà" in str(m["subject"]))
    text = notice.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "/password/forgot" in text
    assert "/login" in text
    assert "token=" not in text


async def test_the_sign_up_page_answers_the_same_for_a_known_email(
    browser: Client, pool: asyncpg.Pool
) -> None:
    await sign_up(browser)
    await browser.post("/api/v1/auth/logout", headers=await csrf(browser))
    answers = []
    for email in ("julie@example.ca", "marc@example.ca"):
        form = await browser.get("/signup")
        token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
        assert token
        fields = {"first_name": "J", "last_name": "R", "password": PASSWORD, "email": email}
        answers.append(await browser.post("/signup", data=fields | {"_csrf_token": token[1]}))

    known, new = answers
    assert known.status_code == new.status_code == 200
    assert _without_tokens(known.text) == _without_tokens(new.text)
    assert await pool.fetchval("SELECT count(*) FROM account") == 2


def _without_tokens(page: str) -> str:
    return re.sub(r'(value|content)="[\w.-]{20,}"', "", page)


async def test_sign_ups_are_limited_per_address_and_per_email(browser: Client) -> None:
    headers = await csrf(browser)
    form = {"password": PASSWORD, "first_name": "Julie", "last_name": "Roy"}
    one_email = [
        (
            await browser.post(
                "/api/v1/auth/signup", headers=headers, json={"email": "a@example.ca", **form}
            )
        ).status_code
        for _ in range(ACCOUNT_ATTEMPTS + 1)
    ]
    others = [
        (
            await browser.post(
                "/api/v1/auth/signup", headers=headers, json={"email": f"b{n}@example.ca", **form}
            )
        ).status_code
        for n in range(LOGINS_PER_MINUTE - ACCOUNT_ATTEMPTS)
    ]

    assert one_email == [202] * ACCOUNT_ATTEMPTS + [429]
    assert others[:-1] == [202] * (len(others) - 1)
    assert others[-1] == 429  # the address's 20 attempts a minute are spent
