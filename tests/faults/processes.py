"""Rush's own processes for a fault test: web servers and arq workers, each killable alone.

Web processes are uvicorn workers sharing one port, as `rush bench rush` runs them: the kernel
hands each new connection to a live process and uvicorn replaces a dead one, which is what a
load balancer in front of several web servers gives a family. Workers run `tests.faults.worker`
(the product's worker with a short job timeout, see there). Every process has its own process
group, stopped with `loadtests.bench_processes.stop`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import psutil  # type: ignore[import-untyped]

from loadtests.bench_processes import bin_path, stop, wait_until_healthy
from rush.config import Settings, settings_environ

__all__ = ["RushProcesses", "child_env"]

JOB_TIMEOUT_ENV = "RUSH_FAULTS_JOB_TIMEOUT_SECONDS"


def child_env(settings: Settings, job_timeout_s: int) -> dict[str, str]:
    """The environment of every Rush process of the test: its servers, its mail, its secrets."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUSH_")}
    env.update(settings_environ(settings), RUSH_LOG_LEVEL="WARNING")
    env[JOB_TIMEOUT_ENV] = str(job_timeout_s)
    return env


class RushProcesses:
    """The web server (K processes on one port) and any number of workers, logs in `folder`."""

    def __init__(self, settings: Settings, env: Mapping[str, str], folder: Path) -> None:
        self.settings = settings
        self.env = dict(env)
        self.folder = folder
        self.web: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []

    def _spawn(self, argv: list[str], log_name: str) -> subprocess.Popen[bytes]:
        with (self.folder / log_name).open("ab") as log:
            return subprocess.Popen(
                argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def start_web(self, processes: int = 1) -> None:
        """Start the web server without waiting for it (see `wait_for_web`)."""
        argv = [
            bin_path("uvicorn"), "web.asgi:app_from_environment", "--factory",
            "--workers", str(processes),
            "--host", self.settings.host, "--port", str(self.settings.port),
            "--log-level", "warning", "--no-access-log",
            "--proxy-headers", "--forwarded-allow-ips", "*",
            "--timeout-graceful-shutdown", "3",
        ]  # fmt: skip
        self.web = self._spawn(argv, "web.log")

    def wait_for_web(self, processes: int = 1) -> None:
        """Until the web server answers `/health` with all its `processes` serving."""
        assert self.web is not None, "start_web first"
        wait_until_healthy(self.settings.public_base_url, self.web)
        if processes > 1:
            self.wait_for_web_processes(processes)

    def wait_for_web_processes(self, count: int, timeout_s: float = 60.0) -> None:
        """Until `count` web processes serve (uvicorn replaces a killed one in seconds)."""
        deadline = time.monotonic() + timeout_s
        while len(self.web_children()) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"uvicorn did not start {count} web processes")
            time.sleep(0.2)

    def web_children(self) -> list[int]:
        """Pids of the web processes serving requests (uvicorn's workers, not its supervisor)."""
        if self.web is None:
            return []
        serving = []
        for child in psutil.Process(self.web.pid).children():
            # A process just killed stays a zombie until uvicorn reaps it: not serving.
            with contextlib.suppress(psutil.Error):
                if child.status() != psutil.STATUS_ZOMBIE and "spawn_main" in " ".join(
                    child.cmdline()
                ):
                    serving.append(child.pid)
        return serving

    def kill_web_process(self) -> int:
        """SIGKILL one web process, mid-request for whoever it is serving; returns its pid."""
        pid = self.web_children()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def start_worker(self) -> subprocess.Popen[bytes]:
        argv = [sys.executable, "-m", "tests.faults.worker"]
        worker = self._spawn(argv, f"worker-{len(self.workers)}.log")
        self.workers.append(worker)
        return worker

    def kill_worker(self, worker: subprocess.Popen[bytes]) -> None:
        """SIGKILL: no shutdown hook runs, the jobs it was running stay claimed in Redis."""
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)

    def stop_all(self) -> None:
        for worker in self.workers:
            stop(worker, grace_s=5)
        if self.web is not None:
            stop(self.web, grace_s=5)
