"""Sessions end when they should: after a reset, on a role change, and never for a mere visitor;
and no emailed link, token included, is left in Redis."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from rush.config import Settings
from rush.dev.mail_catcher import MailCatcher
from tests.families.test_accounts import PASSWORD, csrf, deliver_emails, sign_up
from web.app import create_app

Client = AsyncTestClient[Any]
EMAIL = "julie@example.ca"


@pytest.fixture
async def browser(app_settings: Settings, clean: None) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(app_settings)) as client:
        yield client


@pytest.fixture
async def other_browser(app_settings: Settings, clean: None) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(app_settings)) as client:
        yield client


async def _log_in(client: Client, password: str = PASSWORD) -> None:
    login = {"email": EMAIL, "password": password}
    answer = await client.post("/api/v1/auth/login", headers=await csrf(client), json=login)
    assert answer.status_code == 200, answer.text


async def _ask_reset(client: Client) -> None:
    form = await client.get("/password/forgot")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
    assert token
    form_data = {"email": EMAIL, "_csrf_token": token.group(1)}
    sent = await client.post("/password/forgot", data=form_data)
    assert sent.status_code == 200, sent.text


def _reset_tokens(catcher: MailCatcher) -> list[str]:
    tokens = []
    for message in catcher.messages:
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        tokens += re.findall(r"/password/reset\?token=([\w-]+)", text)
    return tokens


async def _reset(client: Client, token: str, password: str) -> int:
    form = await client.get(f"/password/reset?token={token}")
    csrf_token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
    assert csrf_token
    answer = await client.post(
        "/password/reset",
        data={"token": token, "password": password, "_csrf_token": csrf_token.group(1)},
        follow_redirects=False,
    )
    return answer.status_code


async def test_a_password_reset_signs_out_every_other_session_of_the_account(
    browser: Client, other_browser: Client, app_settings: Settings, catcher: MailCatcher
) -> None:
    await sign_up(browser)
    await _log_in(other_browser)
    assert (await browser.get("/api/v1/auth/me")).status_code == 200
    assert (await other_browser.get("/api/v1/auth/me")).status_code == 200

    await _ask_reset(browser)
    await deliver_emails(app_settings)
    assert await _reset(browser, _reset_tokens(catcher)[0], "nouveau mot de passe") in (302, 303)

    assert (await browser.get("/api/v1/auth/me")).status_code == 401
    assert (await other_browser.get("/api/v1/auth/me")).status_code == 401
    await _log_in(other_browser, "nouveau mot de passe")
    assert (await other_browser.get("/api/v1/auth/me")).status_code == 200


async def test_an_older_reset_link_fails_once_a_newer_one_was_used(
    browser: Client, app_settings: Settings, catcher: MailCatcher
) -> None:
    await sign_up(browser)
    await _ask_reset(browser)
    await _ask_reset(browser)
    await deliver_emails(app_settings)
    older, newer = _reset_tokens(catcher)

    assert await _reset(browser, newer, "nouveau mot de passe") in (302, 303)
    assert await _reset(browser, older, "un autre mot de passe") == 400
    await _log_in(browser, "nouveau mot de passe")


async def test_a_demoted_or_removed_staff_member_is_refused_on_the_next_request(
    admin: Client, supervisor: Client, pool: asyncpg.Pool
) -> None:
    assert (await admin.get("/ops/families")).status_code == 200
    assert (await supervisor.get("/ops")).status_code == 200

    await pool.execute("UPDATE account SET role = 'supervisor' WHERE email = 'admin@ville.qc.ca'")
    await pool.execute("DELETE FROM account WHERE email = 'supervisor@ville.qc.ca'")

    assert (await admin.get("/ops/families", follow_redirects=False)).status_code == 403
    assert (await admin.get("/ops")).status_code == 200
    assert (await supervisor.get("/ops", follow_redirects=False)).status_code in (302, 303, 401)


async def test_choosing_a_language_stores_no_session_for_a_visitor(
    browser: Client, redis: Redis
) -> None:
    before = set(await redis.keys("*"))
    switched = await browser.get("/lang/en", follow_redirects=False)
    assert switched.status_code in (302, 303)
    for path in ("/", "/catalogue", "/login", "/signup", "/password/forgot"):
        assert (await browser.get(path)).status_code == 200
    assert set(await redis.keys("*")) == before
    assert "rush_session" not in switched.headers.get("set-cookie", "")

    page = await browser.get("/")
    assert 'lang="en"' in page.text


async def _every_stored_value(redis: Redis) -> list[bytes]:
    stored: list[bytes] = []
    async for key in redis.scan_iter(count=1000):
        stored.append(key)
        kind = (await redis.type(key)).decode()
        if kind == "string":
            stored.append(await redis.get(key))
        elif kind == "hash":
            for field, value in (await redis.hgetall(key)).items():
                stored += [field, value]
        elif kind == "list":
            stored += await redis.lrange(key, 0, -1)
        elif kind == "set":
            stored += list(await redis.smembers(key))
        elif kind == "zset":
            stored += await redis.zrange(key, 0, -1)
        elif kind == "stream":
            for _, fields in await redis.xrange(key):
                for field, value in fields.items():
                    stored += [field, value]
    return stored


async def test_no_emailed_link_is_left_in_redis_after_the_email_job_ran(
    browser: Client, app_settings: Settings, catcher: MailCatcher, redis: Redis
) -> None:
    await sign_up(browser)
    await _ask_reset(browser)
    await deliver_emails(app_settings)
    tokens = _reset_tokens(catcher)
    confirmations = [
        token
        for message in catcher.messages
        for token in re.findall(
            r"/confirm-email\?token=([\w-]+)",
            message.get_body(("plain",)).get_content(),  # type: ignore[union-attr]
        )
    ]
    assert tokens
    assert confirmations

    stored = await _every_stored_value(redis)
    assert stored
    for token in tokens + confirmations:
        assert not [value for value in stored if token.encode() in value]
