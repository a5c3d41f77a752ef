"""A family's SIN, sent through the real app with JSON logging on, reaches no log line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator

import asyncpg
import msgspec
import pytest
import structlog
from litestar.testing import AsyncTestClient

from rush.config import Settings
from tests.families.test_family_pages import (
    SIN_SHAPES,
    VALID_SIN,
    Client,
    person_id,
    saved,
    sign_up,
    submit,
)
from web.app import create_app
from web.logs import configure_logging


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """What a production process would write, every logger down to DEBUG."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging(Settings(log_format="json", log_level="DEBUG"), stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


@pytest.fixture
async def browser(settings: Settings, clean: None) -> AsyncIterator[Client]:
    json_settings = msgspec.structs.replace(settings, log_format="json")
    async with AsyncTestClient(app=create_app(json_settings)) as client:
        yield client


async def test_a_sin_posted_in_the_family_file_never_reaches_the_logs(
    json_log: io.StringIO,
    browser: Client,
    pool: asyncpg.Pool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    family_id = await sign_up(browser, pool, "julie@example.ca", "Julie", "Roy")
    julie = await person_id(pool, family_id, "Julie")
    refused = await submit(
        browser, "/family/tax-payer", {"person_id": str(julie), "sin": "130 692 545"}
    )
    saved(await submit(browser, "/family/tax-payer", {"person_id": str(julie), "sin": VALID_SIN}))

    assert refused.status_code == 400
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    posts = [
        line
        for line in lines
        if line.get("event") == "request" and line.get("route") == "/family/tax-payer"
    ]
    assert [(p["method"], p["status"]) for p in posts] == [("POST", 400), ("POST", 302)]
    assert all(len(p["request_id"]) == 32 and p["duration_ms"] >= 0 for p in posts), posts
    written = json_log.getvalue()
    captured = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    for shape in (*SIN_SHAPES, "130692545", "130 692 545", "mot de passe 123"):
        assert shape not in written
        assert shape not in captured
