"""The account doors' limits hold behind a load balancer: per address, where only a trusted
proxy may name the address, and per account, whatever the address.

The app runs under uvicorn as `rush serve` configures it (`cli.processes.web_server`), since
uvicorn is what reads `X-Forwarded-For`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import msgspec
import pytest

from cli.processes import web_server
from loadtests.bench_processes import free_port
from rush.config import Settings
from rush.families.account_attempts import ACCOUNT_ATTEMPTS
from rush.families.accounts import create_family_account
from rush.services import Services
from web.rate_limits import LOGINS_PER_MINUTE

PASSWORD = "mot de passe 123"


@asynccontextmanager
async def served(settings: Settings, trusted_proxies: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app under uvicorn on a free port, and a client of it holding a CSRF token."""
    served_settings = msgspec.structs.replace(
        settings, port=free_port(), trusted_proxies=trusted_proxies
    )
    server = web_server(served_settings)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
        await asyncio.sleep(0.05)
    try:
        base = f"http://127.0.0.1:{served_settings.port}"
        async with httpx.AsyncClient(base_url=base) as client:
            await client.get("/login")
            client.headers["x-csrftoken"] = client.cookies["csrftoken"]
            yield client
    finally:
        server.should_exit = True
        await task


async def failed_logins(
    client: httpx.AsyncClient, count: int, *, email: str | None = None
) -> list[httpx.Response]:
    """`count` wrong passwords, each claiming another address in `X-Forwarded-For`, for one
    email or (when None) a different email each time."""
    return [
        await client.post(
            "/api/v1/auth/login",
            headers={"x-forwarded-for": f"203.0.113.{n + 1}"},
            json={"email": email or f"parent{n}@example.ca", "password": "wrong password"},
        )
        for n in range(count)
    ]


async def test_a_client_forging_x_forwarded_for_is_still_limited_by_its_own_address(
    app_settings: Settings, clean: None
) -> None:
    async with served(app_settings, trusted_proxies="") as client:
        answers = await failed_logins(client, 25)

    statuses = [answer.status_code for answer in answers]
    assert statuses[:LOGINS_PER_MINUTE] == [401] * LOGINS_PER_MINUTE
    assert statuses[LOGINS_PER_MINUTE:] == [429] * (25 - LOGINS_PER_MINUTE)
    assert answers[-1].json()["code"] == "rate_limited"


async def test_the_trusted_balancer_s_forwarded_addresses_are_families_of_their_own(
    app_settings: Settings, clean: None
) -> None:
    async with served(app_settings, trusted_proxies="127.0.0.0/8") as client:
        answers = await failed_logins(client, 25)

    assert [answer.status_code for answer in answers] == [401] * 25


async def test_one_account_is_limited_whatever_addresses_its_attempts_come_from(
    app_settings: Settings, services: Services
) -> None:
    await create_family_account(
        services.pool, email="julie@example.ca", password=PASSWORD, first_name="J", last_name="R"
    )
    async with served(app_settings, trusted_proxies="127.0.0.1") as client:
        answers = await failed_logins(client, ACCOUNT_ATTEMPTS + 1, email="julie@example.ca")
        right_password = await client.post(
            "/api/v1/auth/login",
            headers={"x-forwarded-for": "198.51.100.7"},
            json={"email": "julie@example.ca", "password": PASSWORD},
        )
        another_account = await client.post(
            "/api/v1/auth/login",
            headers={"x-forwarded-for": "198.51.100.7"},
            json={"email": "marc@example.ca", "password": PASSWORD},
        )

    statuses = [answer.status_code for answer in answers]
    assert statuses == [401] * ACCOUNT_ATTEMPTS + [429]
    assert answers[-1].json()["code"] == "rate_limited"
    assert right_password.status_code == 429  # the guesser cannot tell when it found it
    assert another_account.status_code == 401


@pytest.mark.parametrize("trusted", ["*", "balancer.local", "10.0.0.0/33"])
def test_only_addresses_and_networks_can_be_trusted(trusted: str) -> None:
    with pytest.raises(ValueError, match="RUSH_TRUSTED_PROXIES"):
        Settings(trusted_proxies=trusted)
