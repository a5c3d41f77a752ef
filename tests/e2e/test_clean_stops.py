"""SIGTERM, as a container or a process manager sends it, stops every command cleanly.

`rush demo`, `rush serve` and `rush worker` run as real processes, each in a session of its
own; SIGTERM goes to the command alone, not to its group, as `docker stop` does. Each must
finish what is in flight, exit 0 within a bound, and leave no process behind: none of the
children it had, none of its process group, and for the demo no Postgres of its data dir.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import msgspec
import psutil
import pytest
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.constants import default_queue_name, health_check_key_suffix, job_key_prefix
from arq.jobs import Job
from redis.asyncio import Redis

from cli.processes import WEB_STOP_GRACE_S
from loadtests.bench_processes import bin_path, free_port, stop
from rush import jobs
from rush.config import Settings, settings_environ
from rush.families.accounts import create_staff_account
from rush.purchase.payments import WebhookEvent
from rush.room.sales import prepare_room
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory

pytestmark = pytest.mark.slow

STOP_WITHIN_S = 30
"""Bound on a stop once nothing holds it: the worker's and the web's graces are 10 s each."""


@pytest.fixture
def rush_env(settings: Settings, clean: None) -> dict[str, str]:
    """The environment of a Rush process on the suite's servers, emptied for this test."""
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("RUSH_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    return inherited | settings_environ(settings) | {"RUSH_ENV": "development"}


@contextlib.contextmanager
def _started(argv: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`argv` in a session of its own; if the test failed half-way, its group is ended."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            stop(process, grace_s=5)


def _children(process: subprocess.Popen[bytes]) -> list[psutil.Process]:
    children: list[psutil.Process] = psutil.Process(process.pid).children(recursive=True)
    return children


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _left_running(children: list[psutil.Process], group: int) -> list[str]:
    """Who of `children` and of process group `group` still runs, a moment after the exit."""
    deadline = time.monotonic() + 5  # the resource tracker exits once its pipe closes
    while True:
        left = {p.pid: p for p in children if _alive(p)}
        for p in psutil.process_iter():
            with contextlib.suppress(ProcessLookupError, psutil.Error):
                if os.getpgid(p.pid) == group and _alive(p):
                    left[p.pid] = p
        if not left or time.monotonic() > deadline:
            return [f"{pid} {' '.join(_cmdline(p))}" for pid, p in left.items()]
        time.sleep(0.2)


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        cmdline: list[str] = process.cmdline()
        return cmdline
    except psutil.Error:
        return ["?"]


def _sigterm(process: subprocess.Popen[bytes], log: Path, within_s: float = STOP_WITHIN_S) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(within_s)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running {within_s:.0f} s after SIGTERM:\n{log.read_text()}")


def _wait_healthy(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base_url}/health", timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    pytest.fail(f"{base_url}/health never answered:\n{log.read_text()}")


def test_demo_stops_on_sigterm_with_its_servers_and_worker(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    log = tmp_path / "demo.log"
    argv = [bin_path("rush"), "demo", "--data-dir", str(data_dir), "--port", str(port)]
    with _started(argv, env, log) as demo:
        _wait_healthy(f"http://127.0.0.1:{port}", demo, log)
        children = _children(demo)
        names = {" ".join(_cmdline(p)) for p in children}
        assert any("valkey-server" in n for n in names), names
        assert any("spawn_main" in n for n in names), names  # the worker
        postmaster = psutil.Process(
            int((data_dir / "pg" / "postmaster.pid").read_text().split()[0])
        )
        assert _alive(postmaster)

        try:
            assert _sigterm(demo, log) == 0, log.read_text()
            assert _left_running(children, group=demo.pid) == []
            assert not _alive(postmaster), "the demo's Postgres still runs"
        finally:  # not left behind by a failed test: it is in a session of its own
            if _alive(postmaster):
                postmaster.terminate()

    assert not (data_dir / "pg" / "postmaster.pid").exists()
    assert "Rush demo stopped" in log.read_text()


def _raw_login_in_two_parts(port: int, csrf: str, body: bytes) -> tuple[socket.socket, bytes]:
    """A login whose headers and first half of body are sent: in flight until the rest comes."""
    head = (
        f"POST /api/v1/auth/login HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Cookie: csrftoken={csrf}\r\n"
        f"x-csrftoken: {csrf}\r\n\r\n"
    ).encode()
    half = len(body) // 2
    connection = socket.create_connection(("127.0.0.1", port), timeout=30)
    connection.sendall(head + body[:half])
    return connection, body[half:]


def _refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


def test_serve_finishes_a_request_in_flight_then_stops_on_sigterm(
    rush_env: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with _started([bin_path("rush"), "serve", "--port", str(port)], rush_env, log) as serve:
        _wait_healthy(base, serve, log)
        with httpx.Client(base_url=base, timeout=10) as browser:
            browser.get("/api/v1/groups")
            csrf = browser.cookies["csrftoken"]
            credentials = {"email": "famille@example.ca", "password": "mot de passe 123"}
            signed_up = browser.post(
                "/api/v1/auth/signup",
                json=credentials | {"first_name": "Julie", "last_name": "Gagnon"},
                headers={"x-csrftoken": csrf},
            )
            assert signed_up.status_code == 202, signed_up.text
        children = _children(serve)

        connection, rest = _raw_login_in_two_parts(port, csrf, msgspec.json.encode(credentials))
        # The server must have read the headers, so the request is in flight: a loopback
        # send is read on the server's next loop turn; half a second is many of those.
        time.sleep(0.5)
        serve.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 5
        while not _refuses_connections(port):
            assert time.monotonic() < deadline, "still accepting connections after SIGTERM"
            time.sleep(0.1)
        assert serve.poll() is None, "exited with a request in flight"

        connection.sendall(rest)
        with connection, connection.makefile("rb") as answer:
            status_line = answer.readline()
        assert status_line.startswith(b"HTTP/1.1 200"), status_line + log.read_bytes()

        assert serve.wait(STOP_WITHIN_S) == 0, log.read_text()
        assert _left_running(children, group=serve.pid) == []


async def test_an_open_dashboard_stream_holds_serve_no_longer_than_its_grace(
    rush_env: dict[str, str], services: Services, catalogue: CatalogueFactory, tmp_path: Path
) -> None:
    """The staff dashboard's event stream never ends on its own: uvicorn would wait for it
    forever, and a container's stop would end in SIGKILL, mid-cleanup."""
    sale_id = (await catalogue.program([6])).sale_id
    await prepare_room(services.pool, services.room, sale_id)
    await create_staff_account(
        services.pool, email="admin@ville.qc.ca", password="staff password 1", role="admin"
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with _started([bin_path("rush"), "serve", "--port", str(port)], rush_env, log) as serve:
        await asyncio.to_thread(_wait_healthy, base, serve, log)
        async with httpx.AsyncClient(base_url=base, timeout=30) as staff:
            await staff.get("/api/v1/groups")
            signed_in = await staff.post(
                "/api/v1/auth/login",
                headers={"x-csrftoken": staff.cookies["csrftoken"]},
                json={"email": "admin@ville.qc.ca", "password": "staff password 1"},
            )
            assert signed_in.status_code == 200, signed_in.text
            # Cut once the grace is over, as it should be: its end is an incomplete body.
            with contextlib.suppress(httpx.RemoteProtocolError):
                async with staff.stream("GET", f"/ops/sales/{sale_id}/stream") as stream:
                    assert stream.status_code == 200
                    lines = stream.aiter_lines()
                    while not (await anext(lines)).startswith("data:"):
                        pass  # the first snapshot came: the stream is open
                    children = _children(serve)
                    asked_at = time.monotonic()
                    serve.send_signal(signal.SIGTERM)
                    code = await asyncio.to_thread(serve.wait, WEB_STOP_GRACE_S + 10)
                    took_s = time.monotonic() - asked_at
        assert code == 0, log.read_text()
        assert took_s >= WEB_STOP_GRACE_S - 1, f"stopped in {took_s:.1f} s: the stream was cut"
        assert _left_running(children, group=serve.pid) == []


class _SlowReceiver:
    """An HTTP endpoint that holds each POST until released: a job kept in flight."""

    def __init__(self) -> None:
        self.received = threading.Event()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.set()
                receiver.release.wait(60)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhook"

    def __enter__(self) -> _SlowReceiver:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


async def _enqueue_delivery(pool: ArqRedis, job_id: str, url: str) -> None:
    event = WebhookEvent(
        event_id=f"evt-{job_id}",
        kind="payment.succeeded",
        payment_ref="ref-stop",
        payment_id=uuid.uuid4(),
        amount_cents=9500,
        occurred_at_s=int(time.time()),
    )
    job = await pool.enqueue_job(
        jobs.DELIVER_WEBHOOK, msgspec.json.encode(event), "t=0,v1=x", url, _job_id=job_id
    )
    assert job is not None


async def _done_or_still_queued(redis: Redis, pool: ArqRedis, job_id: str) -> str:
    info = await Job(job_id, pool).result_info()
    if info is not None:
        assert info.success, info.result
        return "done"
    assert await redis.zscore(default_queue_name, job_id) is not None, f"{job_id} was lost"
    assert await redis.exists(job_key_prefix + job_id), f"{job_id} lost its arguments"
    return "queued"


async def test_worker_finishes_its_running_job_then_stops_on_sigterm(
    rush_env: dict[str, str], settings: Settings, redis: Redis, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    pool = await create_pool(RedisSettings.from_dsn(settings.redis_url))
    try:
        with (
            _SlowReceiver() as receiver,
            _started([bin_path("rush"), "worker"], rush_env, log) as worker,
        ):
            deadline = time.monotonic() + 60
            while not await redis.exists(default_queue_name + health_check_key_suffix):
                assert worker.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the worker never reported healthy"
                await asyncio.sleep(0.2)
            children = _children(worker)

            await _enqueue_delivery(pool, "stop-running", receiver.url)
            assert await asyncio.to_thread(receiver.received.wait, 30), log.read_text()
            await _enqueue_delivery(pool, "stop-just-before", receiver.url)
            worker.send_signal(signal.SIGTERM)
            await asyncio.sleep(1)
            assert worker.poll() is None, "stopped without waiting for its running job"
            receiver.release.set()
            code = await asyncio.to_thread(worker.wait, STOP_WITHIN_S)
            assert code == 0, log.read_text()
            assert _left_running(children, group=worker.pid) == []

        assert await _done_or_still_queued(redis, pool, "stop-running") == "done"
        assert await _done_or_still_queued(redis, pool, "stop-just-before") in ("done", "queued")
    finally:
        await pool.aclose()
