"""Input no client should send: refused with a 4xx problem in the caller's language, never a 500,
and every answer traceable by its request id and counted with its real status."""

from __future__ import annotations

from typing import Any

import structlog.testing
from litestar.middleware._utils import build_exclude_path_pattern
from litestar.testing import AsyncTestClient

from tests.support.api_family import sign_up_and_log_in
from web.app import CSRF_EXEMPT

Client = AsyncTestClient[Any]
PROBLEM = "application/problem+json"


async def _post_raw(client: Client, url: str, body: bytes, **headers: str) -> Any:
    await client.get("/api/v1/groups")
    return await client.post(
        url,
        content=body,
        headers={
            "x-csrftoken": client.cookies["csrftoken"],
            "content-type": "application/json",
            **headers,
        },
    )


async def test_a_body_that_is_not_utf8_is_a_400_problem(family_client: Client) -> None:
    body = b'{"email":"\xff\xfe@x.com","password":"0123456789abc","first_name":"A","last_name":"B"}'
    response = await _post_raw(family_client, "/api/v1/auth/signup", body)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "body_malformed"


async def test_deeply_nested_json_is_a_400_problem(family_client: Client) -> None:
    nested = await _post_raw(family_client, "/api/v1/auth/login", b"[" * 10_000)
    huge = await _post_raw(family_client, "/api/v1/auth/login", b"[" * 100_000)
    assert nested.status_code == 400, nested.text
    assert nested.json()["code"] == "body_malformed"
    assert huge.status_code == 413, huge.text


async def test_a_body_past_the_api_limit_is_a_413_problem_in_english(family_client: Client) -> None:
    body = b'{"email": "a@b.ca", "password": "x"' + b" " * 70_000 + b"}"
    response = await _post_raw(
        family_client, "/api/v1/auth/login", body, **{"accept-language": "en"}
    )
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "body_too_large"
    assert response.json()["title"].startswith("This request is too large")


async def test_unknown_fields_are_refused_with_a_problem_naming_them(family_client: Client) -> None:
    await family_client.get("/api/v1/groups")
    response = await family_client.post(
        "/api/v1/auth/signup",
        headers={"x-csrftoken": family_client.cookies["csrftoken"]},
        json={
            "email": "julie@example.ca",
            "password": "correct horse battery staple",
            "first_name": "Julie",
            "last_name": "Tremblay",
            "role": "admin",
        },
    )
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "unknown_fields"
    assert response.json()["fields"] == "role"
    assert response.json()["detail"].startswith("Cette requête contient un champ")
    assert response.headers["content-type"] == PROBLEM


async def test_a_cart_of_a_sale_that_does_not_exist_is_404(family_client: Client) -> None:
    await sign_up_and_log_in(family_client, "julie@example.ca", "Julie", "Tremblay")
    for sale in ("-1", "2147483648", "99999999999999999999999", "424242"):
        response = await family_client.get(f"/api/v1/sales/{sale}/cart")
        assert response.status_code == 404, (sale, response.text)
        assert response.headers["content-type"] == PROBLEM
        assert "x-request-id" in response.headers


async def test_a_csrf_refusal_and_a_malformed_id_carry_a_request_id_and_count(
    family_client: Client,
) -> None:
    refused = await family_client.post("/api/v1/auth/login", json={})
    malformed = await family_client.get("/api/v1/orders/not-a-uuid")
    assert refused.status_code == 403
    assert malformed.status_code == 404
    assert len(refused.headers["x-request-id"]) == 32
    assert len(malformed.headers["x-request-id"]) == 32
    scraped = (await family_client.get("/metrics")).text
    assert any(
        line.startswith("rush_http_requests_total{")
        and 'path="/api/v1/auth/login"' in line
        and 'status_code="403"' in line
        for line in scraped.splitlines()
    ), scraped


async def test_a_nul_byte_and_a_huge_id_are_refused_without_a_traceback(
    family_client: Client,
) -> None:
    await family_client.get("/api/v1/groups")
    headers = {"x-csrftoken": family_client.cookies["csrftoken"]}
    with structlog.testing.capture_logs() as logged:
        nul = await family_client.post(
            "/api/v1/auth/login",
            headers=headers,
            json={"email": "julie\x00@example.ca", "password": "x"},
        )
        huge = await family_client.get(f"/api/v1/groups?sale_id={2**70}")
    events = [entry["event"] for entry in logged]
    assert nul.status_code == 400, nul.text
    assert huge.status_code == 400, huge.text
    assert events.count("input refused") == 2, events
    assert "unhandled error" not in events
    assert not [entry for entry in logged if "exc_info" in entry], logged


def test_the_csrf_exemptions_match_their_own_paths_only() -> None:
    exempt = build_exclude_path_pattern(exclude=CSRF_EXEMPT)
    assert exempt is not None
    assert exempt.search("/api/v1/payments/webhook")
    assert exempt.search("/sim-pay/ch_123")
    for path in (
        "/family/sim-pay/x",
        "/api/v1/payments/webhook/extra",
        "/x/api/v1/payments/webhook",
    ):
        assert not exempt.search(path), path
