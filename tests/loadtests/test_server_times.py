"""The web processes' own time per request kind: a phase is the difference of two readings."""

from __future__ import annotations

import math

from loadtests.bench_server_times import ServerHistograms, server_time_figures

HOLD = ("POST", "/api/v1/sales/{sale_id}/cart/hold")


def test_a_phase_counts_only_the_requests_served_between_the_two_readings() -> None:
    # Before the phase, 100 holds of the calibration, all slow (under 1 s).
    before: ServerHistograms = {HOLD: {0.001: 0, 0.01: 0, 0.1: 0, 1.0: 100, math.inf: 100}}
    # During it, 200 more: 150 under 1 ms, 49 under 10 ms, 1 under 100 ms.
    after: ServerHistograms = {HOLD: {0.001: 150, 0.01: 199, 0.1: 200, 1.0: 300, math.inf: 300}}
    figures = server_time_figures(before, after, {"hold": HOLD, "status": ("GET", "/x")})
    assert figures["hold"] == {"count": 200, "p50_ms_at_most": 1.0, "p99_ms_at_most": 10.0}
    assert figures["status"] == {"count": 0, "p50_ms_at_most": None, "p99_ms_at_most": None}


def test_a_request_slower_than_every_bucket_has_no_bound_to_report() -> None:
    after: ServerHistograms = {HOLD: {0.001: 0, 30.0: 0, math.inf: 4}}
    figures = server_time_figures({}, after, {"hold": HOLD})
    assert figures["hold"] == {"count": 4, "p50_ms_at_most": None, "p99_ms_at_most": None}
