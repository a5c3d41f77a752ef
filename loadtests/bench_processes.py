"""The processes of a rush benchmark: web servers, arq workers and locust, each in its own
process group so that stopping one stops its children too, in order, on exit or Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx

__all__ = ["bin_path", "free_port", "running", "stop", "wait_until_healthy"]


def free_port() -> int:
    """A TCP port of 127.0.0.1 free right now, for a server this process is about to start."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def bin_path(name: str) -> str:
    """A console script of this environment (`rush`, `locust`), next to the interpreter."""
    return str(Path(sys.executable).parent / name)


@contextlib.contextmanager
def running(
    argv: list[str], env: Mapping[str, str], log: Path, grace_s: float = 15.0
) -> Iterator[subprocess.Popen[bytes]]:
    """Start `argv` with its output in `log`; stop its whole group when the block ends."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            argv, env=dict(env), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            stop(process, grace_s)


def stop(process: subprocess.Popen[bytes], grace_s: float = 15.0) -> None:
    """SIGINT (graceful for uvicorn, arq and locust), then SIGTERM, then SIGKILL, group-wide."""
    for sig, wait_s in ((signal.SIGINT, grace_s), (signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        if process.poll() is not None:
            break
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(wait_s)
    # Children of a group leader that already exited may linger: end the group regardless.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def wait_until_healthy(
    base_url: str, process: subprocess.Popen[bytes], timeout_s: float = 90.0
) -> None:
    """Until `/health` answers 200; fails early if the server process died."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"web server exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base_url}/health", timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    raise TimeoutError(f"{base_url}/health did not answer within {timeout_s:.0f} s")
