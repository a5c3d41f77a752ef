"""Log lines: JSON that parses, one line per request with its fields and nothing else of the
request, and secrets redacted whoever logs them."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from litestar import Litestar, get, post
from litestar.params import FromPath, JSONBody
from litestar.testing import TestClient

from rush.config import Settings
from web.logs import REDACTED, configure_logging, redact_value
from web.request_log import RequestLog


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


def json_logs(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def configured(log_format: str) -> io.StringIO:
    stream = io.StringIO()
    configure_logging(Settings(log_format=log_format, log_level="DEBUG"), stream)
    return stream


@get("/items/{item_id:int}")
async def item(item_id: FromPath[int]) -> dict[str, int]:
    return {"id": item_id}


@post("/family/tax-payer", status_code=204)
async def tax_payer(data: JSONBody[dict[str, str]]) -> None:
    structlog.stdlib.get_logger("rush.test").info("tax payer saved", form=data)


@pytest.mark.usefixtures("restore_logging")
def test_each_request_is_one_json_line_with_route_status_duration_and_request_id() -> None:
    stream = configured("json")
    with TestClient(app=Litestar([item], middleware=[RequestLog()], logging_config=None)) as client:
        answer = client.get(
            "/items/42?email=julie@example.ca",
            headers={"authorization": "Bearer very-secret", "cookie": "rush_session=abc123"},
        )

    assert answer.status_code == 200
    (line,) = [entry for entry in json_logs(stream) if entry["event"] == "request"]
    assert line["method"] == "GET"
    assert line["route"] == "/items/{item_id}"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["request_id"] == answer.headers["x-request-id"]
    assert line["level"] == "info"
    assert line["logger"] == "rush.http"
    assert line["timestamp"].endswith("Z")
    written = stream.getvalue()
    for private in ("julie@example.ca", "very-secret", "abc123", "/items/42"):
        assert private not in written


@pytest.mark.usefixtures("restore_logging")
def test_a_load_balancers_request_id_is_kept_and_a_forged_one_replaced() -> None:
    stream = configured("json")
    app = Litestar([item], middleware=[RequestLog()], logging_config=None)
    with TestClient(app=app) as client:
        kept = client.get("/items/1", headers={"x-request-id": "lb-7f3a9c21e4"})
        replaced = client.get("/items/1", headers={"x-request-id": 'x" injected\n{"level":'})

    assert kept.headers["x-request-id"] == "lb-7f3a9c21e4"
    assert replaced.headers["x-request-id"] != 'x" injected\n{"level":'
    ids = [entry["request_id"] for entry in json_logs(stream) if entry["event"] == "request"]
    assert ids == ["lb-7f3a9c21e4", replaced.headers["x-request-id"]]


@pytest.mark.usefixtures("restore_logging")
def test_a_form_logged_with_a_sin_and_a_password_is_redacted_in_json() -> None:
    stream = configured("json")
    app = Litestar([tax_payer], middleware=[RequestLog()], logging_config=None)
    with TestClient(app=app) as client:
        answer = client.post(
            "/family/tax-payer", json={"sin": "046 454 286", "password": "mot de passe 123"}
        )

    assert answer.status_code == 204
    saved, request = [e for e in json_logs(stream) if e["logger"].startswith("rush.")]
    assert saved["form"] == {"sin": REDACTED, "password": REDACTED}
    assert saved["request_id"] == request["request_id"]
    # Fragments with their separators: bare digits turn up in request ids and timestamps.
    for fragment in ("046 454", "454 286", "mot de passe"):
        assert fragment not in stream.getvalue()


@pytest.mark.usefixtures("restore_logging")
def test_stdlib_records_are_redacted_in_their_arguments_extras_and_text() -> None:
    stream = configured("json")
    log = logging.getLogger("rush.purchase.orders")
    log.info("family file %s", {"health_card": "ROYJ 8504 0212", "csrftoken": "t0k3n"})
    log.warning("saved", extra={"rush_session": "s3ss10n", "group": 7})
    log.error("someone wrote 046-454-286 in a note")

    first, second, third = json_logs(stream)
    assert (
        first["event"] == f"family file {{'health_card': '{REDACTED}', 'csrftoken': '{REDACTED}'}}"
    )
    assert (second["rush_session"], second["group"]) == (REDACTED, 7)
    assert third["event"] == f"someone wrote {REDACTED} in a note"
    for secret in ("ROYJ", "8504 0212", "t0k3n", "s3ss10n", "046-454", "454-286"):
        assert secret not in stream.getvalue()


def test_redaction_reaches_nested_values_and_spares_ordinary_ones() -> None:
    cleaned = redact_value(
        {
            "family": {"tax_payer": {"SIN": "046454286", "first_name": "Julie"}},
            "people": [{"new_password": "x", "phone": "(418) 555-1234"}],
            "x-csrftoken": "abc",
            "group_id": 123,
        }
    )

    assert cleaned == {
        "family": {"tax_payer": {"SIN": REDACTED, "first_name": "Julie"}},
        "people": [{"new_password": REDACTED, "phone": "(418) 555-1234"}],
        "x-csrftoken": REDACTED,
        "group_id": 123,
    }


def test_digits_inside_an_id_are_not_taken_for_a_sin_but_a_sin_in_text_is() -> None:
    request_id = "3f1234567890ab4c1234567891234abc"  # a uuid4 hex with runs of digits
    assert redact_value(request_id) == request_id
    assert "046454286" not in str(redact_value("NAS 046 454 286 reçu"))
    assert "046454286" not in str(redact_value("sin=046454286"))


@pytest.mark.usefixtures("restore_logging")
def test_text_format_is_a_readable_line_not_json() -> None:
    stream = configured("text")
    structlog.stdlib.get_logger("rush.http").info("request", route="/health", password="x")

    line = stream.getvalue().strip()
    assert "request" in line
    assert "route=/health" in line
    assert f"password={REDACTED}" in line
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)
