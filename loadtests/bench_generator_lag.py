"""How much of the latency locust reports is locust's own: its event loop's lag over a phase.

The load generator is one process of greenlets on the servers' cores. When it is starved or
busy spawning the opening spike's users, a response that reached its socket waits until the
loop comes round, and that wait counts in the request's latency. The probe
(`loadtests.bench_recorder`) sleeps a tenth of a second over and over and records how late it
woke; these figures summarise it over the rush and over the window admitted families held in.
"""

from __future__ import annotations

from collections.abc import Sequence

from loadtests.bench_records import LagSample, RequestRecord
from loadtests.bench_stats import percentile, span

__all__ = ["generator_lag_figures"]


def generator_lag_figures(
    lags: Sequence[LagSample], records: Sequence[RequestRecord]
) -> dict[str, float | None]:
    """p50, p99 and max of the generator's loop lag over the whole phase, and its p99 from
    the first hold's start to the last hold's end (None without samples)."""
    holds = [r for r in records if r.name == "hold"]
    window = span(holds) if holds else None
    during_holds = [s.lag_ms for s in lags if window and window[0] <= s.at_s <= window[1]]
    every = [s.lag_ms for s in lags]

    def rounded(values: Sequence[float], q: float) -> float | None:
        return round(percentile(values, q), 1) if values else None

    return {
        "generator_lag_p50_ms": rounded(every, 50),
        "generator_lag_p99_ms": rounded(every, 99),
        "generator_lag_max_ms": round(max(every), 1) if every else None,
        "generator_lag_during_holds_p99_ms": rounded(during_holds, 99),
    }
