"""Who may call what, for every route the app serves, read from the app's own route table.

Each route is classified once below (public, signed in, family, staff, queue ticket;
admin-only staff routes say so in their handler's `opt`). A route nobody classified fails the
suite, so a new page or endpoint cannot ship without deciding who may use it. Then five
visitors try every route: anonymous, family A, family B (with A's ids), a supervisor and an
admin.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from rush.config import Settings, load_settings
from rush.families.accounts import create_staff_account
from rush.families.family_file_storage import add_child
from rush.families.family_file_types import ChildDetails
from rush.purchase.payments import SimulatedProvider
from rush.purchase.waitlist import join_waitlist
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.paid_orders import check_out, program_of_kind, put_in_cart
from web.app import CSRF_EXEMPT, create_app
from web.auth import PUBLIC_PATHS

Client = AsyncTestClient[Any]
PASSWORD = "correct horse battery staple"  # CatalogueFactory's families
STAFF_PASSWORD = "staff password 1"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
FAMILY, STAFF, SIGNED_IN, PUBLIC = "family", "staff", "signed in", "public"
TICKET = "queue ticket"
"""Served on a signed queue ticket header only, whoever calls: no visitor below carries one."""
CSRF_SIGNS = ("csrf_failed", "This form has expired", "Ce formulaire a expiré")

ACCESS_RULES: list[tuple[str, str]] = [
    (SIGNED_IN, r"^/api/v1/auth/(me|logout)$"),
    (TICKET, r"^/api/v1/sales/\{sale_id:int\}/queue/standing$"),
    (FAMILY, r"^/api/v1/(family|orders|waitlist|sales)(/|$)"),
    (FAMILY, r"^/(family|records|orders|sales|waitlist)(/|$)"),
    (STAFF, r"^/ops(/|$)"),
    (STAFF, r"^/api/v1/ops/"),
]
"""First match wins, after the public paths of `web.auth`."""

OWNED_PARAMS = {"person_id", "child_id", "order_id", "entry_id", "item_id", "file_name"}
"""Path parameters naming something of family A: family B must never reach it."""


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    access: str
    admin_only: bool
    guards: frozenset[str]

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class World:
    sale_id: int
    program_id: int
    group_id: int
    season_id: int
    family_b_id: int
    child_id: int
    order_id: str
    entry_id: int
    child_name: str


def _classify(path: str) -> str | None:
    if any(re.match(pattern, path) for pattern in PUBLIC_PATHS):
        return PUBLIC
    return next((access for access, pattern in ACCESS_RULES if re.match(pattern, path)), None)


def _guard_names(handler: HTTPRouteHandler) -> frozenset[str]:
    return frozenset(
        guard.__name__ for layer in handler.ownership_layers for guard in layer.guards or []
    )


def _route_table() -> tuple[list[Endpoint], list[str]]:
    settings = load_settings(
        {"DATABASE_URL": "postgresql://unused@localhost:1/x", "REDIS_URL": "redis://localhost:1/0"}
    )
    endpoints, unclassified = [], []
    for route in create_app(settings).routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith(("/static", "/schema")):
            continue
        access = _classify(route.path)
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"}):
                if access is None:
                    unclassified.append(f"{method} {route.path}")
                    continue
                admin_only = bool(handler.opt.get("admin"))
                guards = _guard_names(handler)
                endpoints.append(Endpoint(method, route.path, access, admin_only, guards))
    return endpoints, unclassified


ENDPOINTS, UNCLASSIFIED = _route_table()


def test_every_route_is_classified_by_who_may_use_it() -> None:
    assert len(ENDPOINTS) > 50, "the route table looks empty"
    assert UNCLASSIFIED == [], "add these routes to ACCESS_RULES or PUBLIC_PATHS"


def test_admin_only_routes_are_staff_routes() -> None:
    misplaced = [e.id for e in ENDPOINTS if e.admin_only and e.access != STAFF]
    assert misplaced == []


def test_family_and_staff_routes_declare_their_guard_before_any_parsing() -> None:
    """Guards run before Litestar parses parameters, so a stranger is refused, never told a
    query parameter is missing."""
    wanted = {FAMILY: "family_only", STAFF: "staff_only"}
    unguarded = [e.id for e in ENDPOINTS if e.access in wanted and wanted[e.access] not in e.guards]
    assert unguarded == []


def _value(param: str, path: str, world: World) -> str:
    today = dt.date.today().isoformat()
    values = {
        "sale_id": world.sale_id,
        "program_id": world.program_id,
        "group_id": world.group_id,
        "season_id": world.season_id,
        "family_id": world.family_b_id,
        "person_id": world.child_id,
        "child_id": world.child_id,
        "order_id": world.order_id,
        "entry_id": world.entry_id,
        "item_id": 1,
        "cap_id": 1,
        "action": "pause",
        "kind": "terms",
        "code": "en",
        "ref": "unknown-payment",
        "date": today,
        "session_date": today,
        "file_name": f"{world.order_id}.pdf" if "receipts" in path else "2026.pdf",
    }
    if param not in values:
        pytest.fail(f"{path}: give the access matrix a value for path parameter {param!r}")
    return str(values[param])


def _url(endpoint: Endpoint, world: World) -> str:
    return re.sub(
        r"\{(\w+)(?::\w+)?\}", lambda m: _value(m.group(1), endpoint.path, world), endpoint.path
    )


def _allowed(endpoint: Endpoint, persona: str) -> bool:
    if endpoint.access == PUBLIC:
        return True
    if endpoint.access == SIGNED_IN:
        return persona != "anonymous"
    if endpoint.access == FAMILY:
        return persona in ("family A", "family B")
    if endpoint.access == TICKET:
        return False
    return persona == "admin" or (persona == "supervisor" and not endpoint.admin_only)


async def _call(client: Client, endpoint: Endpoint, url: str, csrf: bool = True) -> Any:
    headers = {"x-csrftoken": client.cookies.get("csrftoken") or ""} if csrf else {}
    if endpoint.method in UNSAFE and url.startswith("/api/"):
        return await client.request(
            endpoint.method, url, headers=headers, json={}, follow_redirects=False
        )
    if endpoint.method in UNSAFE:
        return await client.request(
            endpoint.method, url, headers=headers, data={}, follow_redirects=False
        )
    return await client.request(endpoint.method, url, follow_redirects=False)


def _refused(response: Any) -> bool:
    to_login = response.status_code in (302, 303) and "/login" in response.headers.get(
        "location", ""
    )
    return response.status_code in (401, 403) or to_login


async def _client(settings: Settings) -> Client:
    client: Client = AsyncTestClient(app=create_app(settings))
    await client.__aenter__()
    await client.get("/login")  # the CSRF cookie
    return client


async def _signed_in(settings: Settings, email: str, password: str) -> Client:
    client = await _client(settings)
    response = await client.post(
        "/api/v1/auth/login",
        headers={"x-csrftoken": client.cookies["csrftoken"]},
        json={"email": email, "password": password},
    )
    assert response.status_code == 200, response.text
    return client


@pytest.fixture
async def world(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> World:
    pool = services.pool
    sale_id = await catalogue.sale()
    camp = await program_of_kind(catalogue, sale_id=sale_id, childcare=True, names=("Camp", "Camp"))
    family_a = await catalogue.family()
    zoe = ChildDetails(first_name="Zoé", last_name="Secrète", birth_date=dt.date(2019, 3, 1))
    child_id = await add_child(pool, services.cipher, family_a.id, zoe)
    await put_in_cart(services, family_a.id, sale_id, [child_id], camp.group_ids)
    order = await check_out(services, provider, family_a.id, sale_id, instalments=1)
    full = await catalogue.program([0], sale_id=sale_id)
    entry_id = await join_waitlist(pool, services.engine, family_a.id, child_id, full.group_ids[0])
    family_b = await catalogue.family()
    season_id = await pool.fetchval("SELECT season_id FROM sale WHERE id = $1", sale_id)
    for role in ("supervisor", "admin"):
        await create_staff_account(
            pool, email=f"{role}@ville.qc.ca", password=STAFF_PASSWORD, role=role
        )
    return World(
        sale_id=sale_id,
        program_id=camp.id,
        group_id=camp.group_ids[0],
        season_id=season_id,
        family_b_id=family_b.id,
        child_id=child_id,
        order_id=str(order.order_id),
        entry_id=entry_id,
        child_name="Secrète",
    )


async def _email(pool: asyncpg.Pool, family_id: int) -> str:
    email: str = await pool.fetchval("SELECT email FROM account WHERE family_id = $1", family_id)
    return email


@pytest.fixture
async def visitors(
    settings: Settings, pool: asyncpg.Pool, world: World
) -> AsyncIterator[dict[str, Client]]:
    family_a_id = await pool.fetchval("SELECT family_id FROM person WHERE id = $1", world.child_id)
    clients = {
        "anonymous": await _client(settings),
        "family A": await _signed_in(settings, await _email(pool, family_a_id), PASSWORD),
        "family B": await _signed_in(settings, await _email(pool, world.family_b_id), PASSWORD),
        "supervisor": await _signed_in(settings, "supervisor@ville.qc.ca", STAFF_PASSWORD),
        "admin": await _signed_in(settings, "admin@ville.qc.ca", STAFF_PASSWORD),
    }
    yield clients
    for client in clients.values():
        await client.__aexit__(None, None, None)


def _logs_out(endpoint: Endpoint) -> bool:
    return endpoint.path.endswith("logout")


async def test_every_route_refuses_whoever_it_is_not_for(
    visitors: dict[str, Client], world: World
) -> None:
    wrongly_served = []
    for endpoint in ENDPOINTS:
        if _logs_out(endpoint):
            continue
        for persona, client in visitors.items():
            if _allowed(endpoint, persona):
                continue
            response = await _call(client, endpoint, _url(endpoint, world))
            if not _refused(response):
                wrongly_served.append(f"{persona}: {endpoint.id} -> {response.status_code}")
    assert wrongly_served == []


async def test_every_page_and_endpoint_serves_whoever_it_is_for(
    visitors: dict[str, Client], world: World
) -> None:
    wrongly_refused = []
    for endpoint in ENDPOINTS:
        if endpoint.method != "GET" or endpoint.path.endswith("/stream"):
            continue
        for persona, client in visitors.items():
            if persona == "family B" and OWNED_PARAMS & set(re.findall(r"\{(\w+)", endpoint.path)):
                continue
            if _allowed(endpoint, persona):
                response = await _call(client, endpoint, _url(endpoint, world))
                if _refused(response):
                    wrongly_refused.append(f"{persona}: {endpoint.id} -> {response.status_code}")
    assert wrongly_refused == []


async def test_family_b_never_reaches_family_a_things_by_their_ids(
    visitors: dict[str, Client], world: World, pool: asyncpg.Pool
) -> None:
    owned = [
        e
        for e in ENDPOINTS
        if e.access == FAMILY and OWNED_PARAMS & set(re.findall(r"\{(\w+)", e.path))
    ]
    assert len(owned) >= 8, "the family routes with ids look missing"
    before = await pool.fetchval("SELECT count(*) FROM person")
    leaks = []
    for endpoint in owned:
        response = await _call(visitors["family B"], endpoint, _url(endpoint, world))
        status = response.status_code
        shown = world.child_name in response.text
        if (endpoint.method == "GET" and status not in (403, 404)) or status < 400 or shown:
            leaks.append(f"{endpoint.id} -> {status}{' (shows A)' if shown else ''}")
    assert leaks == []
    assert await pool.fetchval("SELECT count(*) FROM person") == before


async def test_every_form_and_unsafe_call_needs_the_csrf_token(
    visitors: dict[str, Client], world: World
) -> None:
    unprotected = []
    for endpoint in ENDPOINTS:
        exempt = any(re.search(pattern, endpoint.path) for pattern in CSRF_EXEMPT)
        if endpoint.method not in UNSAFE or exempt:
            continue
        persona = next(p for p in ("family A", "admin", "anonymous") if _allowed(endpoint, p))
        response = await _call(visitors[persona], endpoint, _url(endpoint, world), csrf=False)
        if response.status_code != 403 or not any(sign in response.text for sign in CSRF_SIGNS):
            unprotected.append(f"{persona}: {endpoint.id} -> {response.status_code}")
    assert unprotected == []
