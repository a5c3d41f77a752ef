"""The rush benchmark's figures: what one phase left, and the summary its JSON line carries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from loadtests.bench_records import LagSample, RequestRecord
from loadtests.bench_stats import EndpointStats, span
from loadtests.shed_retries import UNFINISHED
from rush.ops.audit import AuditReport

__all__ = ["PhaseResult", "count", "hold_window_rps", "rounded", "rush_summary", "stat"]


@dataclass(slots=True)
class PhaseResult:
    records: list[RequestRecord]
    wall_s: float
    cpu_s: dict[str, float]
    stats: dict[str, EndpointStats] = field(default_factory=dict)
    server_times: dict[str, dict[str, float | None]] = field(default_factory=dict)
    """The web processes' own time per request kind (`loadtests.bench_server_times`)."""
    generator_lags: list[LagSample] = field(default_factory=list)
    """How late locust's own event loop ran (`loadtests.bench_generator_lag`)."""
    sockets: dict[str, Any] = field(default_factory=dict)
    """Accept queues and TCP connections opened (`loadtests.bench_sockets`)."""


def hold_window_rps(records: list[RequestRecord]) -> float:
    """Holds per second from the first hold sent to the last hold answered."""
    holds = [r for r in records if r.name == "hold"]
    if not holds:
        return 0.0
    start, end = span(holds)
    return len(holds) / max(end - start, 1e-3)


def rush_summary(
    run: Mapping[str, Any],
    rush: PhaseResult,
    ceilings: Mapping[str, PhaseResult],
    audit: AuditReport,
    lags: Mapping[str, Any],
    purchase_pool_times: dict[str, dict[str, float | None]] | None,
    drained: bool,
    bench_s: float,
) -> dict[str, Any]:
    """The JSON line's figures, after `run`'s own (what was run: families, processes...)."""
    rps = {name: stat(phase, name, "rps") for name, phase in ceilings.items()}
    trivial_rps = rps.get("ping") or 0.0

    def ratio(name: str) -> float | None:
        value = rps.get(name)
        return round(value / trivial_rps, 3) if value is not None and trivial_rps else None

    errors = sum(s.failures for s in rush.stats.values())
    errors += sum(s.failures for p in ceilings.values() for s in p.stats.values())
    return {
        **run,
        "holds": count(rush, "hold"),
        "hold_rps": rounded(rps.get("hold")),
        "trivial_rps": rounded(trivial_rps),
        "ratio_to_trivial": ratio("hold"),
        "status_rps": rounded(rps.get("status")),
        "status_ratio_to_trivial": ratio("status"),
        "rush_hold_rps": round(hold_window_rps(rush.records), 1),
        "rush_rps": round(count(rush) / max(rush.wall_s, 1e-3), 1),
        "hold_p50_ms": rounded(stat(rush, "hold", "p50_ms")),
        "hold_p99_ms": rounded(stat(rush, "hold", "p99_ms")),
        "status_p99_ms": rounded(stat(rush, "status", "p99_ms")),
        "ceiling_hold_p99_ms": rounded(stat(ceilings.get("hold"), "hold", "p99_ms")),
        "ceiling_status_p99_ms": rounded(stat(ceilings.get("status"), "status", "p99_ms")),
        "ceiling_ping_p99_ms": rounded(stat(ceilings.get("ping"), "ping", "p99_ms")),
        "finalize_lag_p50_ms": rounded(lags.get("p50_ms")),
        "finalize_lag_p99_ms": rounded(lags.get("p99_ms")),
        "finalize_drained": drained,
        "errors": errors,
        "unfinished_families": count(rush, UNFINISHED),
        "oversold": audit.oversold,
        "lost_payments": audit.lost_payments,
        "double_charged": audit.double_charged,
        "drift": audit.drift,
        "fairness_ok": audit.fairness_ok,
        "server_times": rush.server_times,
        "purchase_pool_server_times": purchase_pool_times,
        "rush_s": round(rush.wall_s, 1),
        "duration_s": round(bench_s, 1),
    }


def stat(phase: PhaseResult | None, name: str, figure: str) -> float | None:
    if phase is None or name not in phase.stats:
        return None
    value: float = getattr(phase.stats[name], figure)
    return value


def count(phase: PhaseResult, name: str | None = None) -> int:
    return sum(s.count for s in phase.stats.values() if name is None or s.name == name)


def rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)
