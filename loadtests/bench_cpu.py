"""CPU seconds used by each role of a benchmark (web, worker, locust, postgres, valkey).

On a machine where the load generator and the servers share the cores, this says which of
them was the bottleneck of a phase: a role near `cores x seconds` saturated the machine.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

import psutil  # type: ignore[import-untyped]

__all__ = ["CpuMeter", "parent_pid"]


def parent_pid(pid: int) -> int | None:
    """The parent of a process: the postmaster of a Postgres backend."""
    with contextlib.suppress(psutil.Error):
        parent: int = psutil.Process(pid).ppid()
        return parent
    return None


def _tree_cpu_s(pid: int) -> float:
    total = 0.0
    with contextlib.suppress(psutil.Error):
        root = psutil.Process(pid)
        for process in [root, *root.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                total += times.user + times.system
    return total


class CpuMeter:
    """Reads the CPU seconds of process trees named by role, so phases can be diffed."""

    def __init__(self) -> None:
        self._roots: dict[str, list[int]] = {}

    def watch(self, role: str, pid: int | None) -> None:
        if pid is not None:
            self._roots.setdefault(role, []).append(pid)

    def read(self) -> dict[str, float]:
        return {role: sum(_tree_cpu_s(p) for p in pids) for role, pids in self._roots.items()}

    @staticmethod
    def used(before: Mapping[str, float], after: Mapping[str, float]) -> dict[str, float]:
        """CPU seconds per role between two readings (roles started since count from 0)."""
        return {role: round(after[role] - before.get(role, 0.0), 2) for role in after}
