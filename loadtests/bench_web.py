"""The web processes of a rush benchmark: one pool on the public port, and optionally a second
pool for the purchase path (`web.purchase_path`), as a path-routing balancer would feed it.

Each pool keeps its Prometheus counts in a multiprocess directory of its own, so one
`/metrics` read covers the pool's K processes (the kernel hands a scrape to any one of them),
and the two pools can be told apart.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import msgspec
import psutil  # type: ignore[import-untyped]

from loadtests.bench_cpu import CpuMeter
from loadtests.bench_processes import bin_path, free_port, running, wait_until_healthy
from loadtests.bench_server_times import ServerHistograms, scrape_server_histograms
from rush.config import Settings
from rush.load_shedding import ShedThresholds
from web.metrics import MULTIPROCESS_DIR_ENV

__all__ = ["WEB_PURCHASE_ROLE", "WebPools", "running_web_pools", "web_server_argv"]

WEB_PURCHASE_ROLE = "web-purchase"
"""The CPU role of the purchase path's own pool, beside `web` (the front pool)."""


def web_server_argv(settings: Settings, processes: int, server: str = "uvicorn") -> list[str]:
    """K uvicorn (or granian) workers on one port; proxy headers on, as behind a load balancer,
    so each simulated family has an address of its own for the per-address login limit."""
    if server == "granian":
        return [
            bin_path("granian"),
            "--interface", "asgi",
            "--factory", "web.asgi:app_behind_trusted_proxies",
            "--workers", str(processes),
            "--host", settings.host,
            "--port", str(settings.port),
            "--loop", "uvloop",
            "--log-level", "warning",
            "--no-access-log",
            "--backlog", "8192",
        ]  # fmt: skip
    return [
        bin_path("uvicorn"),
        "web.asgi:app_from_environment",
        "--factory",
        "--workers", str(processes),
        "--host", settings.host,
        "--port", str(settings.port),
        "--log-level", "warning",
        "--no-access-log",
        "--proxy-headers",
        "--forwarded-allow-ips", "*",
        "--timeout-graceful-shutdown", "5",
        "--timeout-keep-alive", str(ShedThresholds.from_settings(settings).idle_connection_s),
        # The opening spike connects thousands of families at once (uvicorn's default is 2048).
        "--backlog", "8192",
    ]  # fmt: skip


@dataclass(slots=True)
class WebPools:
    """The running pools: where each answers, and the front pool's server pid (for py-spy)."""

    front_base_url: str
    front_pid: int
    purchase_base_url: str = ""
    """Empty when one pool serves everything."""
    metrics_token: str = field(default="", repr=False)
    front_nice: int = 0
    """The front pool's niceness as the kernel reports it."""

    @property
    def base_urls(self) -> list[str]:
        return [url for url in (self.front_base_url, self.purchase_base_url) if url]

    def scrape(self) -> list[ServerHistograms]:
        """Each pool's request histograms, the front pool's first."""
        return [scrape_server_histograms(url, self.metrics_token) for url in self.base_urls]


def _fresh_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


@contextlib.contextmanager
def running_web_pools(
    settings: Settings,
    env: Mapping[str, str],
    work: Path,
    meter: CpuMeter,
    *,
    processes: int,
    purchase_processes: int = 0,
    server: str = "uvicorn",
    front_nice: int = 0,
) -> Iterator[WebPools]:
    """The front pool on `settings.port` and, with `purchase_processes`, the purchase pool on
    a free port; both healthy, their CPU watched as `web` and `web-purchase`. `front_nice`
    lowers the front pool's CPU priority, as cores of its own would shelter the purchase pool
    on a real deployment (the benchmark's pools share the machine's cores)."""
    with contextlib.ExitStack() as stack:
        pools: list[tuple[str, int]] = []
        for role, count, port, nice in (
            ("web", processes, settings.port, front_nice),
            (WEB_PURCHASE_ROLE, purchase_processes, free_port(), 0),
        ):
            if not count:
                continue
            own = msgspec.structs.replace(settings, port=port)
            pool_env = {
                **env,
                "RUSH_TRUSTED_PROXIES": "127.0.0.1",
                MULTIPROCESS_DIR_ENV: str(_fresh_dir(work / f"prometheus-{role}")),
            }
            argv = web_server_argv(own, count, server)
            if nice:
                argv = ["nice", "-n", str(nice), *argv]
            process = stack.enter_context(running(argv, pool_env, work / f"{role}.log"))
            meter.watch(role, process.pid)
            base_url = f"http://{settings.host}:{port}"
            pools.append((base_url, process.pid))
            wait_until_healthy(base_url, process)
        (_, front_pid), *purchase = pools
        yield WebPools(
            front_base_url=settings.public_base_url,
            front_pid=front_pid,
            purchase_base_url=purchase[0][0] if purchase else "",
            metrics_token=settings.metrics_token,
            front_nice=int(psutil.Process(front_pid).nice()),
        )
