"""Families signed in through the API before a ceiling phase, so no argon2 runs inside it."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import msgspec

from loadtests.shed_retries import MAX_SHED_RETRIES, problem_code, shed_wait_s
from loadtests.traces import FamilyPlan

__all__ = ["CeilingPlan", "FamilySession", "sign_in_all"]


class FamilySession(msgspec.Struct, frozen=True):
    cookie: str
    """The whole `Cookie` header: the session and the CSRF cookie."""
    csrf: str
    address: str
    admission_token: str | None = None
    ticket_token: str | None = None


class CeilingPlan(msgspec.Struct, frozen=True):
    sale_id: int
    line_sale_id: int
    """A sale whose line never moves: its pollers stay queued, the state most polls are in."""
    pollers: list[FamilySession]
    holders: list[FamilySession]
    """Admitted families with a held cart, holding it again is the hold phase's request."""


def _address(family: FamilyPlan) -> str:
    number = int(family.key.lstrip("f") or 0)
    return f"10.255.{number // 256 % 256}.{number % 256}"


async def _post_until_served(client: httpx.AsyncClient, url: str, **kwargs: Any) -> httpx.Response:
    """A sign-in or queue join a saturated server sheds is asked again after its Retry-After."""
    for _ in range(MAX_SHED_RETRIES):
        answer = await client.post(url, **kwargs)
        retry_after = answer.headers.get("retry-after")
        wait = shed_wait_s(answer.status_code, problem_code(answer.content), retry_after)
        if wait is None:
            return answer
        await asyncio.sleep(wait)
    return await client.post(url, **kwargs)


async def _sign_in(
    base_url: str, family: FamilyPlan, sale_id: int, join: bool = False
) -> FamilySession:
    address = _address(family)
    headers = {"x-forwarded-for": address}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60) as client:
        (await client.get("/api/v1/ping")).raise_for_status()
        answer = await _post_until_served(
            client,
            "/api/v1/auth/login",
            json={"email": family.email, "password": family.password},
            headers={"x-csrftoken": client.cookies.get("csrftoken") or ""},
        )
        answer.raise_for_status()
        if join:
            standing = await _post_until_served(
                client,
                f"/api/v1/sales/{sale_id}/queue",
                headers={"x-csrftoken": client.cookies.get("csrftoken") or ""},
            )
        else:
            standing = await client.get(f"/api/v1/sales/{sale_id}/queue")
        standing.raise_for_status()
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        return FamilySession(
            cookie=cookie,
            csrf=client.cookies.get("csrftoken") or "",
            address=address,
            admission_token=standing.json().get("admission_token"),
            ticket_token=standing.json().get("ticket_token"),
        )


async def sign_in_all(
    base_url: str, families: list[FamilyPlan], sale_id: int, at_once: int = 8, join: bool = False
) -> list[FamilySession]:
    """Sessions of `families`, a few sign-ins at a time; with `join`, each joins the line."""
    gate = asyncio.Semaphore(at_once)

    async def one(family: FamilyPlan) -> FamilySession:
        async with gate:
            return await _sign_in(base_url, family, sale_id, join)

    return list(await asyncio.gather(*(one(f) for f in families)))
