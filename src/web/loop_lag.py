"""Every reading of the loop-lag probe as a Prometheus histogram, beside the smoothed gauge.

Shedding reads a smoothed lag per process (`rush_event_loop_lag_seconds`). This histogram
keeps each reading (twenty a second), summed over a pool's processes in prometheus_client's
multiprocess mode, so its p99 says how long a request's first bytes could wait for its
process's loop before any middleware ran: the wait the request histograms cannot see, since
they start timing inside the app.
"""

from __future__ import annotations

from prometheus_client import Histogram

from rush.load_shedding import Saturation

__all__ = ["LOOP_LAG_METRIC", "RecordedLagReadings"]

LOOP_LAG_METRIC = "rush_event_loop_lag_probe_seconds"

_LOOP_LAG = Histogram(
    LOOP_LAG_METRIC,
    "How late this process's event loop woke the loop-lag probe, every reading",
    buckets=[0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
)


class RecordedLagReadings:
    """Hands each reading to the process's saturation state and to the histogram."""

    def __init__(self, saturation: Saturation) -> None:
        self._saturation = saturation

    def observe_lag(self, lag_ms: float) -> None:
        self._saturation.observe_lag(lag_ms)
        _LOOP_LAG.observe(max(lag_ms, 0.0) / 1000)
