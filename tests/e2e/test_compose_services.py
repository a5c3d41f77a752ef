"""compose.yaml's services, run as plain processes (there is no Docker engine here).

Each service's own command and environment, as compose.yaml writes them, with the compose
network swapped for the suite's servers (`postgres:5432` for a database of this test's own,
`valkey:6379` for a Redis database of its own) and `/app`, the image's folder, for the
checkout: `migrate` seeds and exits 0, `web` passes the compose healthcheck and serves the
season, `worker` takes its cron jobs, and the trace commands of compose.yaml's header and the
locust services' locustfile work with their environment. What this cannot check is the image
itself (the Dockerfile) and compose's own networking and scaling.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
import yaml
from redis import Redis as SyncRedis
from redis.asyncio import Redis

from loadtests.bench_processes import bin_path, free_port
from rush.dev.servers import ServerUrls
from rush.engine import keys

ROOT = Path(__file__).resolve().parents[2]
IMAGE_FOLDER = "/app"
REDIS_DB = 7
_INTERPOLATION = re.compile(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}")
DOT_ENV = {
    # What a town's `.env` holds (.env.example), for a rehearsal: development with the
    # simulated provider, since the web and worker below are run and paid for as the demo.
    "POSTGRES_PASSWORD": "compose-test-password",
    "RUSH_SIGNING_KEY": "compose-test-signing-key-of-32-characters",
    "RUSH_ENCRYPTION_KEYS": "kU5v3z8Qd0C8Vb6s1L9m2N4p7R0t3W6y9A2c5E8g1I4=",
    "RUSH_WEBHOOK_SECRET": "compose-test-webhook-secret",
    "RUSH_PAYMENT_PROVIDER": "simulated",
    "RUSH_PUBLIC_BASE_URL": "https://rush.test",
    "RUSH_ENV": "development",
}

pytestmark = pytest.mark.slow


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


class MissingVariable(Exception):
    """compose's `${NAME:?message}` with NAME unset: compose stops with the message."""


def _interpolated(value: object, dot_env: dict[str, str]) -> str:
    """`${NAME:-default}` and `${NAME:?message}` as compose reads them from `.env`."""

    def variable(match: re.Match[str]) -> str:
        name, kind, text = match[1], match[2], match[3] or ""
        found = dot_env.get(name, "")
        if not found and kind == ":?":
            raise MissingVariable(f"required variable {name} is missing a value: {text}")
        return found or (text if kind == ":-" else "")

    return _INTERPOLATION.sub(variable, str(value))


class ComposeRun:
    """compose.yaml's services, each started the way compose would, on the suite's servers."""

    def __init__(self, servers: ServerUrls, database: str, dot_env: dict[str, str]) -> None:
        self.dot_env = dot_env
        self.spec = _compose()
        self.services: dict[str, Any] = self.spec["services"]
        self.database_url = _with_database(servers.database_url, database)
        self.redis_url = urlsplit(servers.redis_url)._replace(path=f"/{REDIS_DB}").geturl()

    def environment(self, name: str, **extra: str) -> dict[str, str]:
        declared = {
            k: _interpolated(v, self.dot_env) for k, v in self.services[name]["environment"].items()
        }
        for key, host in (("DATABASE_URL", "postgres"), ("REDIS_URL", "valkey")):
            # The service reaches its server by the compose service's name.
            assert urlsplit(declared[key]).hostname == host, (name, key, declared[key])
            assert host in self.services
        declared |= {"DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url}
        local = {k: v.replace(IMAGE_FOLDER, str(ROOT)) for k, v in declared.items()}
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("RUSH_")}
        return inherited | local | extra

    def argv(self, name: str) -> list[str]:
        command: list[str] = self.services[name]["command"]
        return [bin_path(command[0]), *command[1:]]

    def run(self, name: str, timeout_s: float = 180) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.argv(name),
            env=self.environment(name),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )

    @contextmanager
    def started(self, name: str, **extra: str) -> Iterator[subprocess.Popen[str]]:
        process = subprocess.Popen(
            self.argv(name),
            env=self.environment(name, **extra),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=f"/{database}").geturl()


def _healthcheck_passes(spec: dict[str, Any], port: int) -> bool:
    """The service's compose healthcheck, run here against the port it was given."""
    kind, program, *args = spec["healthcheck"]["test"]
    assert (kind, program) == ("CMD", "python")
    argv = [sys.executable, *(a.replace(":8000/", f":{port}/") for a in args)]
    return subprocess.run(argv, capture_output=True, timeout=10).returncode == 0


@pytest.fixture
async def compose_run(migrated: ServerUrls) -> AsyncIterator[ComposeRun]:
    database = f"compose_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(migrated.database_url)
    await admin.execute(f'CREATE DATABASE "{database}"')
    run = ComposeRun(migrated, database, DOT_ENV)
    redis = Redis.from_url(run.redis_url)
    await redis.flushdb()
    try:
        yield run
    finally:
        await redis.flushdb()
        await redis.aclose()
        await admin.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
        await admin.close()


def test_compose_services_run_as_written_on_real_servers(
    compose_run: ComposeRun, tmp_path: Path
) -> None:
    migrate = compose_run.run("migrate")
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    assert "demo season seeded" in migrate.stdout
    with asyncio.Runner(loop_factory=asyncio.new_event_loop) as runner:
        staff = runner.run(_count(compose_run.database_url, STAFF_ONE_CAN_SIGN_IN_AS))
    assert staff == 0, "staff come from `rush staff add`, never with a published password"

    port = free_port()
    web_spec = compose_run.services["web"]
    assert web_spec["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    with compose_run.started("web", RUSH_PORT=str(port)) as web:
        deadline = time.monotonic() + 60
        while not _healthcheck_passes(web_spec, port):
            assert web.poll() is None, web.stdout.read() if web.stdout else ""
            assert time.monotonic() < deadline, "the web healthcheck never passed"
            time.sleep(0.5)
        groups = httpx.get(f"http://127.0.0.1:{port}/api/v1/groups", timeout=10).json()
        assert {g["program_kind"] for g in groups} >= {"day_camp", "swimming"}

        with compose_run.started("worker") as worker:
            redis = SyncRedis.from_url(compose_run.redis_url)
            try:
                # The worker's once-a-second cron job writes the dashboards' latest snapshot.
                deadline = time.monotonic() + 30
                while not redis.exists(keys.LATEST_SNAPSHOTS):
                    assert worker.poll() is None, worker.stdout.read() if worker.stdout else ""
                    assert time.monotonic() < deadline, "the worker published no dashboard"
                    time.sleep(0.5)
            finally:
                redis.close()

    # compose.yaml's header: a trace from the demo catalogue, its families seeded, then locust.
    env = compose_run.environment("locust-master")
    trace = tmp_path / "trace.jsonl"
    python = [sys.executable, "-m", "loadtests.traces"]
    for step in (["generate", "--families", "20", "-o", str(trace)], ["seed", str(trace)]):
        done = subprocess.run(
            python + step, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr
    # A loop of its own that never becomes the thread's current loop: asyncio.run would leave
    # none behind, and later tests that ask for the current loop would fail.
    with asyncio.Runner(loop_factory=asyncio.new_event_loop) as runner:
        families = runner.run(_count(compose_run.database_url, "SELECT count(*) FROM family"))
    assert families >= 20
    for name in ("locust-master", "locust-worker"):
        argv = compose_run.argv(name)
        listing = subprocess.run(
            [*argv[:3], "--list"],
            env=compose_run.environment(name, RUSH_TRACE=str(trace)),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert listing.returncode == 0, listing.stdout + listing.stderr
        assert "Family" in listing.stdout, listing.stdout


def test_the_admitted_families_pool_is_the_web_service_on_ports_of_its_own() -> None:
    services = _compose()["services"]
    web, purchase = services["web"], services["web-purchase"]

    assert {k: v for k, v in purchase.items() if k != "ports"} == {
        k: v for k, v in web.items() if k != "ports"
    }
    assert purchase["ports"] != web["ports"]


STAFF_ONE_CAN_SIGN_IN_AS = (
    "SELECT count(*) FROM account WHERE role <> 'family' AND password_hash LIKE '$argon2%'"
)
"""Self-pacing's own account has no password hash: nobody signs in as it."""


@pytest.mark.parametrize("secret", sorted(set(DOT_ENV) - {"RUSH_ENV"}))
def test_compose_stops_naming_the_secret_missing_from_its_environment(secret: str) -> None:
    services = _compose()["services"]
    without = {k: v for k, v in DOT_ENV.items() if k != secret}
    for name in ("migrate", "web", "worker"):
        with pytest.raises(MissingVariable, match=secret):
            {k: _interpolated(v, without) for k, v in services[name]["environment"].items()}


def test_compose_services_run_in_production_unless_told_otherwise() -> None:
    services = _compose()["services"]
    dot_env = {k: v for k, v in DOT_ENV.items() if k != "RUSH_ENV"}
    for name in ("migrate", "web", "worker"):
        assert _interpolated(services[name]["environment"]["RUSH_ENV"], dot_env) == "production"


async def _count(database_url: str, sql: str) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        count: int = await conn.fetchval(sql)
        return count
    finally:
        await conn.close()
