"""A property of every JSON endpoint, read from the app's own routes: whatever bytes a client
sends as the body, the answer is never a 5xx, and bytes that are not JSON are refused with a
4xx problem document."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from tests.support.api_family import call, sign_up_with_two_children
from tests.support.catalogue_factory import CatalogueFactory
from web.strict_bodies import RAW_BODY_OPT

Client = AsyncTestClient[Any]
EXAMPLES_PER_ENDPOINT = 25
PROBLEM = "application/problem+json"
_PATH_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")

bodies = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=100).map(lambda text: json.dumps({"email": text}).encode()),
    st.builds(lambda depth, tail: b"[" * depth + tail, st.integers(1, 3000), st.binary(max_size=8)),
    st.builds(
        lambda head, junk: head[:-1] + junk + b"}",
        st.just(b'{"person_ids": [1], "group_ids": [1]}'),
        st.binary(min_size=1, max_size=20),
    ),
)


def json_endpoints(app: Litestar) -> list[tuple[str, str]]:
    """(method, path template) of every API handler that reads a body."""
    found: list[tuple[str, str]] = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/api/"):
            continue
        for handler in route.route_handlers:
            if "data" in handler.parsed_fn_signature.parameters or handler.opt.get(RAW_BODY_OPT):
                found += [(method, route.path) for method in sorted(handler.http_methods)]
    return found


def _concrete(path: str, sale_id: int) -> str:
    def value(found: re.Match[str]) -> str:
        kind = found.group(2)
        return str(uuid.uuid4()) if kind == "uuid" else str(sale_id)

    return _PATH_PARAM.sub(value, path)


def _is_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except (ValueError, RecursionError):
        return False
    return True


def _probe(loop: asyncio.AbstractEventLoop, client: Client, method: str, url: str) -> list[str]:
    failures: list[str] = []

    @given(body=bodies)
    @settings(
        max_examples=EXAMPLES_PER_ENDPOINT,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def answers_with_a_problem(body: bytes) -> None:
        headers = {"x-csrftoken": client.cookies["csrftoken"], "content-type": "application/json"}
        sent = client.request(method, url, content=body, headers=headers)
        response = asyncio.run_coroutine_threadsafe(sent, loop).result(timeout=30)
        status, kind = response.status_code, response.headers.get("content-type")
        if status >= 500 or (status >= 400 and kind != PROBLEM):
            failures.append(f"{method} {url} {body[:40]!r} -> {status} {kind}")
        elif not _is_json(body) and not 400 <= status < 500:
            failures.append(f"{method} {url} {body[:40]!r} -> {status}, not a refusal")

    answers_with_a_problem()
    return failures


async def test_arbitrary_bytes_to_every_json_endpoint_get_a_4xx_problem_never_a_5xx(
    family_client: Client, admin_client: Client, catalogue: CatalogueFactory
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    await catalogue.program([5], sale_id=sale_id)
    await sign_up_with_two_children(family_client)
    await call(admin_client, "get", "/api/v1/groups")
    endpoints = json_endpoints(family_client.app)
    assert len(endpoints) >= 10
    loop = asyncio.get_running_loop()
    failures: list[str] = []
    for method, path in endpoints:
        client = admin_client if path.startswith("/api/v1/ops/") else family_client
        url = _concrete(path, sale_id)
        failures += await asyncio.to_thread(_probe, loop, client, method, url)
    assert failures == []
