"""What a family costs: CPU milliseconds per family and per request, by role and request kind.

`rush bench rush` measures the CPU seconds of each role's process tree over each phase
(`bench_cpu.CpuMeter`). Divided by what the phase served, they say what one family or one
request costs the web processes, Postgres, Valkey and the workers: the figures that tell a
town how many cores its opening morning needs, and the ones issue 18 asks to halve.

Per request kind, the web cost comes from the ceiling phases, each of which serves one kind
only (ping, status poll, hold): web CPU over the phase divided by its requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import asyncpg

from loadtests.bench_stats import EndpointStats
from loadtests.bench_web import WEB_PURCHASE_ROLE
from loadtests.queries import query

__all__ = ["cost_figures", "opening_to_last_admission_s"]


class _Phase(Protocol):
    wall_s: float
    cpu_s: dict[str, float]
    stats: dict[str, EndpointStats]


def _requests(phase: _Phase, name: str | None = None) -> int:
    return sum(s.count for s in phase.stats.values() if name is None or s.name == name)


def _web_s(phase: _Phase) -> float | None:
    """Both pools of web processes, when the purchase path has its own (`web-purchase`)."""
    pools = [phase.cpu_s[role] for role in ("web", WEB_PURCHASE_ROLE) if role in phase.cpu_s]
    return sum(pools) if pools else None


def _per(cpu_s: float | None, count: int) -> float | None:
    return round(cpu_s * 1000 / count, 3) if cpu_s is not None and count else None


def cost_figures(families: int, rush: _Phase, ceilings: Mapping[str, _Phase]) -> dict[str, Any]:
    """CPU ms per family by role, web CPU ms per request (the rush mix and each ceiling
    kind), and the families one web core serves per second of its CPU."""
    requests = _requests(rush)
    web_ms_per_family = _per(_web_s(rush), families)
    by_kind = {
        name: _per(_web_s(phase), _requests(phase, name)) for name, phase in ceilings.items()
    }
    return {
        "web_cpu_ms_per_family": web_ms_per_family,
        "web_cpu_ms_per_request": _per(_web_s(rush), requests),
        "requests_per_family": round(requests / families, 2) if families else None,
        "postgres_cpu_ms_per_family": _per(rush.cpu_s.get("postgres"), families),
        "valkey_cpu_ms_per_family": _per(rush.cpu_s.get("valkey"), families),
        "worker_cpu_ms_per_family": _per(rush.cpu_s.get("worker"), families),
        "web_cpu_ms_per_request_by_kind": by_kind,
        "families_per_web_core_s": (
            round(1000 / web_ms_per_family, 2) if web_ms_per_family else None
        ),
    }


async def opening_to_last_admission_s(pool: asyncpg.Pool, sale_id: int) -> float | None:
    """Seconds from the sale's opening to its last admission (admissions copied to Postgres)."""
    seconds = await pool.fetchval(query("bench_opening_to_last_admission_s"), sale_id)
    return None if seconds is None else round(float(seconds), 1)
