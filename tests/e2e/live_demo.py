"""`rush demo` as a real process on a free port, for tests that use it as a family would."""

from __future__ import annotations

import asyncio
import contextlib
import email
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from pathlib import Path

import httpx

from loadtests.bench_processes import free_port


@dataclass(frozen=True)
class LiveDemo:
    base_url: str
    data_dir: Path
    process: subprocess.Popen[str]

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    @property
    def log(self) -> Path:
        """What the demo printed. A file, not a pipe: nobody reads a pipe while the test runs,
        and once its buffer filled with request log lines the demo blocked on its next line."""
        return self.data_dir.parent / f"{self.data_dir.name}.log"


@contextlib.contextmanager
def live_demo(data_dir: Path, **settings: str) -> Iterator[LiveDemo]:
    """Start `rush demo` with its own embedded servers; Ctrl-C it on the way out."""
    port = free_port()
    # The suite shares two cores with CI: a slow moment of the demo's event loop must not turn
    # a clicking parent's sign-in into a "stay on this page" answer. tests/web/test_shedding.py
    # proves shedding; a test that wants it here passes shed_new_arrivals="true".
    settings.setdefault("shed_new_arrivals", "false")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({f"RUSH_{key.upper()}": value for key, value in settings.items()})
    rush = Path(sys.executable).parent / "rush"
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    log = (data_dir.parent / f"{data_dir.name}.log").open("w")
    process = subprocess.Popen(
        [str(rush), "demo", "--data-dir", str(data_dir), "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    demo = LiveDemo(f"http://127.0.0.1:{port}", data_dir, process)
    try:
        _wait_until_healthy(demo)
        yield demo
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_until_healthy(demo: LiveDemo, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if demo.process.poll() is not None:
            output = demo.log.read_text()
            raise RuntimeError(f"rush demo exited early:\n{output}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{demo.base_url}/health", timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    raise RuntimeError("rush demo did not become healthy in time")


async def confirmation_link(demo: LiveDemo, address: str) -> str:
    """The confirmation link of the email the demo's worker sent to `address` at sign-up, as
    the parent finds it in their mailbox (a family joins no queue before opening it)."""
    for _ in range(200):
        for path in sorted(demo.mail_dir.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
            found = re.search(r"/confirm-email\?token=[\w-]+", body)
            if address in str(message["To"]) and found:
                return f"{demo.base_url}{found[0]}"
        await asyncio.sleep(0.1)
    raise AssertionError(f"no confirmation email for {address}")
