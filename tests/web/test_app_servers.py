"""The web processes under either ASGI server the benchmark offers, as `rush bench rush
--server uvicorn|granian` starts them: healthy, serving, and logging as Rush's settings say
(at `RUSH_LOG_LEVEL=WARNING`, no line per request: the factories configure Rush's logging
as `rush serve` does, where before an unconfigured process printed every request)."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import msgspec
import pytest

from loadtests.bench_processes import free_port, running, wait_until_healthy
from loadtests.bench_web import web_server_argv
from rush.config import Settings, settings_environ

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("server", ["uvicorn", "granian"])
def test_the_web_processes_serve_under_either_server_and_log_as_told(
    server: str, settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    served = msgspec.structs.replace(
        settings, port=port, log_level="WARNING", trusted_proxies="127.0.0.1"
    )
    env = {**os.environ, **settings_environ(served)}
    log = tmp_path / "web.log"
    base_url = f"http://127.0.0.1:{port}"
    with running(web_server_argv(served, 1, server), env, log) as web:
        wait_until_healthy(base_url, web, timeout_s=60)
        answers = [httpx.get(f"{base_url}/api/v1/ping", timeout=5) for _ in range(5)]
        groups = httpx.get(f"{base_url}/api/v1/groups", timeout=5)
    assert [answer.status_code for answer in answers] == [200] * 5
    assert groups.status_code == 200
    assert "request" not in log.read_text(), "a line per request at WARNING"
