"""What the kernel held for the web processes during a phase: their listening sockets'
accept queues, and the TCP connections the machine opened.

A request on a new connection waits in its listening socket's accept queue until its web
process takes the connection; the app's request histograms and its loop-lag probe both start
later, so neither sees that wait. The sampler reads each pool's queue (`ss`, which asks the
kernel over netlink: cheap however many connections are open) once a second, and the
machine's count of TCP connections opened (`/proc/net/snmp`, `ActiveOpens`) before and after.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["SocketSampler", "accept_queues", "sampling_sockets", "tcp_active_opens"]

_SNMP = Path("/proc/net/snmp")


def tcp_active_opens(snmp: Path = _SNMP) -> int | None:
    """The machine's TCP connections opened so far (`ActiveOpens`), None where unreadable."""
    try:
        lines = [line.split() for line in snmp.read_text().splitlines() if line.startswith("Tcp:")]
    except OSError:
        return None
    if len(lines) < 2:
        return None
    header, values = lines[0], lines[1]
    return int(values[header.index("ActiveOpens")]) if "ActiveOpens" in header else None


def accept_queues(ss_output: str, ports: Mapping[str, int]) -> dict[str, int]:
    """Connections waiting to be accepted per pool, from `ss -ltnH` (Recv-Q of a LISTEN
    socket is its accept queue); a pool whose port is not listed has none waiting."""
    by_port: dict[int, int] = {}
    for line in ss_output.splitlines():
        fields = line.split()
        if len(fields) < 4:
            continue
        with contextlib.suppress(ValueError):
            port = int(fields[3].rsplit(":", 1)[1])
            by_port[port] = by_port.get(port, 0) + int(fields[1])
    return {pool: by_port.get(port, 0) for pool, port in ports.items()}


@dataclass(slots=True)
class SocketSampler:
    """Each pool's accept queue, sampled once a second, and TCP connections opened."""

    ports: dict[str, int]
    samples: dict[str, list[int]] = field(default_factory=dict)
    opened_before: int | None = None
    opened_after: int | None = None

    def figures(self, families: int) -> dict[str, object]:
        """Max and mean accept queue per pool, connections opened in all and per family."""
        opened = (
            self.opened_after - self.opened_before
            if self.opened_after is not None and self.opened_before is not None
            else None
        )
        return {
            "accept_queue": {
                pool: {"max": max(values), "mean": round(sum(values) / len(values), 1)}
                for pool, values in self.samples.items()
                if values
            },
            "tcp_connections_opened": opened,
            "tcp_connections_per_family": (
                round(opened / families, 2) if opened is not None and families else None
            ),
        }

    async def sample_forever(self, ss: str) -> None:
        while True:
            process = await asyncio.create_subprocess_exec(
                ss, "-ltnH", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
            )
            output, _ = await process.communicate()
            for pool, waiting in accept_queues(output.decode(), self.ports).items():
                self.samples.setdefault(pool, []).append(waiting)
            await asyncio.sleep(1.0)


@contextlib.asynccontextmanager
async def sampling_sockets(base_urls: Mapping[str, str]) -> AsyncIterator[SocketSampler]:
    """Samples the pools at `base_urls` (pool name -> URL) while the block runs; without
    `ss` on the machine, only the connections opened are counted."""
    ports = {pool: urlsplit(url).port or 80 for pool, url in base_urls.items() if url}
    sampler = SocketSampler(ports, opened_before=tcp_active_opens())
    ss = shutil.which("ss")
    task = asyncio.create_task(sampler.sample_forever(ss)) if ss else None
    try:
        yield sampler
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        sampler.opened_after = tcp_active_opens()
