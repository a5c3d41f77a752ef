"""A family and staff through the JSON API, as a browser's scripts make the calls."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from cli.processes import build_worker
from rush.config import Settings
from rush.db import create_pool
from rush.families.accounts import confirm_email as confirm_account_email
from tests.support.catalogue_factory import CatalogueFactory, TestProgram

__all__ = [
    "Client",
    "admitted_family",
    "call",
    "confirm_email",
    "open_line_that_does_not_move",
    "open_sale",
    "run_worker",
    "sign_up_and_log_in",
    "sign_up_with_two_children",
]

Client = AsyncTestClient[Any]


async def call(client: Client, method: str, url: str, *, expect: int = 200, **kwargs: Any) -> Any:
    """A request as a browser makes it: with the CSRF token the app handed out."""
    if "csrftoken" not in client.cookies:
        await client.get("/api/v1/groups")
    headers = {"x-csrftoken": client.cookies.get("csrftoken", ""), **kwargs.pop("headers", {})}
    response = await getattr(client, method)(url, headers=headers, **kwargs)
    assert response.status_code == expect, response.text
    return response.json()


async def run_worker(settings: Settings) -> None:
    worker = build_worker(settings, handle_signals=False, burst=True)
    try:
        await worker.main()
    finally:
        await worker.close()


async def confirm_email(client: Client, email: str) -> None:
    """Confirm the account's email as its emailed link does, without a page load (a page
    would read the sales on show a second early); the link itself is tested in
    tests/room/test_one_family_one_chance.py."""
    settings: Settings = client.app.state.settings
    pool = await create_pool(settings.database_url, min_size=1, max_size=1)
    try:
        account_id = await pool.fetchval("SELECT id FROM account WHERE email = $1", email)
        await confirm_account_email(pool, account_id)
    finally:
        await pool.close()


async def sign_up_and_log_in(
    client: Client,
    email: str,
    first_name: str = "Julie",
    last_name: str = "Gagnon",
    *,
    confirmed: bool = True,
) -> Any:
    """Sign up as a family does (the answer says "check your email", nothing more), then log
    in with the password just chosen, and confirm the email unless told not to; the account,
    as logging in answers it."""
    password = "mot de passe 123"
    signed_up = await call(
        client,
        "post",
        "/api/v1/auth/signup",
        expect=202,
        json={
            "email": email,
            "password": password,
            "first_name": first_name,
            "last_name": last_name,
        },
    )
    assert signed_up == {"status": "check_your_email"}
    login = {"email": email, "password": password}
    account = await call(client, "post", "/api/v1/auth/login", json=login)
    if confirmed:
        await confirm_email(client, email)
    return account


async def sign_up_with_two_children(client: Client) -> list[int]:
    await sign_up_and_log_in(client, "famille@example.ca")
    children = [
        await call(
            client,
            "post",
            "/api/v1/family/children",
            expect=201,
            json={"first_name": name, "last_name": "Gagnon", "birth_date": born},
        )
        for name, born in (("Léa", "2019-04-02"), ("Noah", "2017-08-30"))
    ]
    return [child["id"] for child in children]


async def open_sale(admin: Client, camp: TestProgram) -> None:
    await call(admin, "post", f"/api/v1/ops/sales/{camp.sale_id}/open")


async def admitted_family(
    family: Client, admin: Client, catalogue: CatalogueFactory, capacity: int
) -> tuple[TestProgram, list[int], str]:
    """A family with two children admitted to a sale of one camp group: the camp, the
    children's ids and the admission token."""
    sale_id = await catalogue.sale(status="scheduled")
    camp = await catalogue.program([capacity], sale_id=sale_id, ages=(5, 12))
    children = await sign_up_with_two_children(family)
    await call(admin, "post", f"/api/v1/ops/sales/{sale_id}/prepare")
    await call(family, "post", f"/api/v1/sales/{sale_id}/queue")
    await open_sale(admin, camp)
    token = (await call(family, "get", f"/api/v1/sales/{sale_id}/queue"))["admission_token"]
    return camp, children, token


async def open_line_that_does_not_move(
    family: Client, admin: Client, catalogue: CatalogueFactory
) -> int:
    """A signed-up family and an open sale admitting nobody (pace 0): its id."""
    sale_id = await catalogue.sale(status="scheduled")
    camp = await catalogue.program([5], sale_id=sale_id)
    await sign_up_with_two_children(family)
    await call(admin, "post", f"/api/v1/ops/sales/{sale_id}/prepare")
    await call(admin, "patch", f"/api/v1/ops/sales/{sale_id}/pace", json={"rate_per_min": 0})
    await open_sale(admin, camp)
    return sale_id
