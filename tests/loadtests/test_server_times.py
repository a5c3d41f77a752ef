"""The web processes' own time per request kind: a phase is the difference of two readings."""

from __future__ import annotations

import math

from loadtests.bench_server_times import (
    LOOP_LAG,
    ServerHistograms,
    histograms_from_text,
    server_time_figures,
)

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


def test_a_scrape_gives_the_loop_lag_probe_apart_from_the_routes() -> None:
    text = (
        "# HELP rush_event_loop_lag_probe_seconds How late\n"
        "# TYPE rush_event_loop_lag_probe_seconds histogram\n"
        'rush_event_loop_lag_probe_seconds_bucket{le="0.01"} 90.0\n'
        'rush_event_loop_lag_probe_seconds_bucket{le="2.5"} 99.0\n'
        'rush_event_loop_lag_probe_seconds_bucket{le="+Inf"} 100.0\n'
        "rush_event_loop_lag_probe_seconds_count 100.0\n"
        "rush_event_loop_lag_probe_seconds_sum 3.0\n"
    )
    histograms = histograms_from_text(text)
    assert histograms == {LOOP_LAG: {0.01: 90.0, 2.5: 99.0, math.inf: 100.0}}
    figures = server_time_figures({}, histograms, {"event loop lag": LOOP_LAG})
    assert figures["event loop lag"] == {
        "count": 100,
        "p50_ms_at_most": 10.0,
        "p99_ms_at_most": 2500.0,
    }
