"""Figures from request records: per-endpoint rates, percentiles, windows and concurrency."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from loadtests.bench_records import RequestRecord

__all__ = [
    "EndpointStats",
    "endpoint_stats",
    "peak_in_flight",
    "percentile",
    "span",
    "steady_window",
]


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class EndpointStats:
    name: str
    count: int
    failures: int
    rps: float
    p50_ms: float
    p99_ms: float
    statuses: dict[int, int]


def endpoint_stats(
    records: Iterable[RequestRecord], window: tuple[float, float] | None = None
) -> dict[str, EndpointStats]:
    """Per request name; `rps` over `window` (start, end) or over the records' own span."""
    by_name: dict[str, list[RequestRecord]] = {}
    for record in records:
        if window is None or window[0] <= record.start_s <= window[1]:
            by_name.setdefault(record.name, []).append(record)
    stats = {}
    for name, rows in sorted(by_name.items()):
        start, end = window if window else span(rows)
        durations = [r.duration_ms for r in rows]
        statuses: dict[int, int] = {}
        for r in rows:
            statuses[r.status] = statuses.get(r.status, 0) + 1
        stats[name] = EndpointStats(
            name=name,
            count=len(rows),
            failures=sum(not r.ok for r in rows),
            rps=len(rows) / max(end - start, 1e-3),
            p50_ms=percentile(durations, 50),
            p99_ms=percentile(durations, 99),
            statuses=dict(sorted(statuses.items())),
        )
    return stats


def span(rows: Sequence[RequestRecord]) -> tuple[float, float]:
    """From the first request's start to the last one's end."""
    return min(r.start_s for r in rows), max(r.start_s + r.duration_ms / 1000 for r in rows)


def steady_window(records: Sequence[RequestRecord], measured: str) -> tuple[float, float]:
    """From when every user finished setting up (and sent its first measured request) to the
    last measured request's start: the closed-loop part of a ceiling phase."""
    rows = [r for r in records if r.name == measured]
    if not rows:
        return (0.0, 0.0)
    setup_end = max(
        (r.start_s + r.duration_ms / 1000 for r in records if r.name != measured), default=0.0
    )
    start = max(setup_end, min(r.start_s for r in rows))
    return (start, max(r.start_s for r in rows))


def peak_in_flight(records: Iterable[RequestRecord]) -> int:
    """The most requests in flight at one instant: the rush's concurrency as the server saw it."""
    edges: list[tuple[float, int]] = []
    for r in records:
        edges.append((r.start_s, 1))
        edges.append((r.start_s + r.duration_ms / 1000, -1))
    edges.sort(key=lambda e: (e[0], e[1]))
    peak = current = 0
    for _, step in edges:
        current += step
        peak = max(peak, current)
    return peak
