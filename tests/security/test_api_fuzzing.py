"""Schemathesis against the published OpenAPI schema of `/api/v1`, on a real running server.

Valid and invalid requests for every operation, as a signed-in family and as an admin: the
API never answers 5xx, and every refusal is a problem-details body a client can show.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.schemas import APIOperation

from loadtests.bench_processes import free_port
from rush.config import Settings
from rush.families.accounts import create_staff_account
from rush.families.family_file_storage import add_child
from rush.families.family_file_types import ChildDetails
from rush.room.sales import prepare_room
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.figures import record
from web.app import create_app

PASSWORD = "correct horse battery staple"
EXAMPLES_PER_OPERATION = 15
RAW_ROUNDS_PER_OPERATION = 3
"""Cases of each operation with a body that also send every raw body."""
SKIPPED = {("POST", "/api/v1/auth/logout")}
"""Logging out would end the session the rest of the run fuzzes with."""
PROBLEM_KEYS = {"type", "title", "status", "code"}
RAW_BODIES = {
    "not UTF-8": b'{"email": "\xff\xfe@x.com", "first_name": "\xc3\x28"}',
    "deeply nested": b"[" * 10_000,
    "nested past the size limit": b"[" * 100_000,
}
"""Bodies schemathesis does not write (it sends valid UTF-8 JSON): each goes to every
operation that takes a body, at the paths schemathesis generated."""

pytestmark = pytest.mark.slow


@pytest.fixture
async def live_api(
    settings: Settings, services: Services, catalogue: CatalogueFactory
) -> AsyncIterator[str]:
    sale_id = await catalogue.sale()
    await catalogue.program([5, 0], sale_id=sale_id)
    await prepare_room(services.pool, services.room, sale_id)
    family = await catalogue.family()
    await add_child(
        services.pool,
        services.cipher,
        family.id,
        ChildDetails(first_name="Léa", last_name="Test", birth_date=dt.date(2018, 1, 1)),
    )
    await create_staff_account(
        services.pool, email="admin@ville.qc.ca", password="staff password 1", role="admin"
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
        await asyncio.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


async def _session(base_url: str, email: str, password: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base_url) as client:
        await client.get("/api/v1/groups")
        response = await client.post(
            "/api/v1/auth/login",
            headers={"x-csrftoken": client.cookies["csrftoken"]},
            json={"email": email, "password": password},
        )
        assert response.status_code == 200, response.text
        cookies = dict(client.cookies.items())
    return {"cookies": cookies, "headers": {"x-csrftoken": cookies["csrftoken"]}}


def _check_answer(label: str, response: httpx.Response, tally: Counter[str]) -> list[str]:
    status = response.status_code
    if status >= 500:
        tally["5xx"] += 1
        return [f"{label} -> {status}"]
    if status >= 400 and status != 405:
        tally["4xx"] += 1
        body = response.json()
        if not set(body) >= PROBLEM_KEYS:
            return [f"{label} -> {status} {body}"]
    return []


def _send_raw_bodies(
    case: Any, base_url: str, session: dict[str, Any], tally: Counter[str]
) -> list[str]:
    failures: list[str] = []
    headers = {**session["headers"], "content-type": "application/json"}
    for name, body in RAW_BODIES.items():
        response = httpx.request(
            case.method,
            f"{base_url}{case.formatted_path}",
            content=body,
            headers=headers,
            cookies=session["cookies"],
            timeout=10,
        )
        tally["raw"] += 1
        label = f"{case.method} {case.formatted_path} ({name})"
        if response.status_code < 400:
            failures.append(f"{label} -> {response.status_code}")
        failures += _check_answer(label, response, tally)
    return failures


def _fuzz_operation(
    operation: APIOperation, base_url: str, session: dict[str, Any], tally: Counter[str]
) -> list[str]:
    failures: list[str] = []
    raw_rounds = RAW_ROUNDS_PER_OPERATION if operation.get_request_payload_content_types() else 0
    strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(
        GenerationMode.NEGATIVE
    )

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        response = case.call(base_url=base_url, timeout=10, **session)
        tally["cases"] += 1
        failures.extend(_check_answer(f"{case.method} {case.formatted_path}", response, tally))
        nonlocal raw_rounds
        if raw_rounds > 0:
            raw_rounds -= 1
            failures.extend(_send_raw_bodies(case, base_url, session, tally))

    run()
    return failures


def _fuzz(base_url: str, sessions: dict[str, dict[str, Any]]) -> tuple[Counter[str], list[str]]:
    schema = schemathesis.openapi.from_url(f"{base_url}/schema/openapi.json").include(
        path_regex="^/api/v1/"
    )
    tally: Counter[str] = Counter()
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        tally["operations"] += 1
        who = "admin" if operation.path.startswith("/api/v1/ops/") else "family"
        failures += _fuzz_operation(operation, base_url, sessions[who], tally)
    return tally, failures


async def test_the_api_never_answers_5xx_and_every_error_is_a_problem_document(
    live_api: str, services: Services
) -> None:
    family_email = await services.pool.fetchval(
        "SELECT email FROM account WHERE role = 'family' LIMIT 1"
    )
    sessions = {
        "family": await _session(live_api, family_email, PASSWORD),
        "admin": await _session(live_api, "admin@ville.qc.ca", "staff password 1"),
    }
    tally, failures = await asyncio.to_thread(_fuzz, live_api, sessions)
    record("fuzzing", cases=tally["cases"], operations=tally["operations"], errors_5xx=tally["5xx"])
    assert tally["operations"] >= 15
    assert tally["cases"] >= tally["operations"] * 5
    assert tally["raw"] >= 30
    assert failures == []
