"""How long the web processes themselves took over each request kind, beside what locust saw.

Locust times a request from its own side: on a machine where the load generator shares the
cores, that includes the time the request waited to be read (the kernel's queue, an event
loop busy with other requests) and the time locust itself waited for a core. The web
processes' Prometheus histograms (`web.metrics`) time the app from the moment uvicorn hands it
the request to the last byte sent. The gap between the two figures is queueing, not work.

The benchmark's K processes share one port, so they keep their counts in prometheus_client's
multiprocess directory and any of them answers `/metrics` for all (`web.metrics`). It is read
before and after a phase; the phase's figures are the difference.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping

import httpx
from prometheus_client.parser import text_string_to_metric_families

__all__ = [
    "LOOP_LAG",
    "RUSH_ROUTES",
    "ServerHistograms",
    "histograms_from_text",
    "merged_histograms",
    "scrape_server_histograms",
    "server_time_figures",
]

_DURATION = "rush_http_request_duration_seconds"
_LOOP_LAG = "rush_event_loop_lag_probe_seconds"  # web.loop_lag.LOOP_LAG_METRIC
LOOP_LAG = ("", "event loop lag")
"""Where the probe's readings go among the routes: how late each process's loop ran, which
no request histogram sees (they start inside the app)."""

RUSH_ROUTES = {
    "hold": ("POST", "/api/v1/sales/{sale_id}/cart/hold"),
    "cart items": ("POST", "/api/v1/sales/{sale_id}/cart/items"),  # drafts, and adds once live
    "status": ("GET", "/api/v1/sales/{sale_id}/queue/standing"),
    "login": ("POST", "/api/v1/auth/login"),
    "event loop lag": LOOP_LAG,
}
"""The request kinds of a rush whose server time the benchmark reports, by route template."""

ServerHistograms = dict[tuple[str, str], dict[float, float]]
"""(method, route template) -> cumulative count per bucket upper bound, over all processes."""


def histograms_from_text(text: str) -> ServerHistograms:
    """The request histograms and the loop-lag probe's (under `LOOP_LAG`) of one scrape."""
    buckets: ServerHistograms = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == f"{_LOOP_LAG}_bucket":
                route = LOOP_LAG
            elif sample.name == f"{_DURATION}_bucket":
                route = (sample.labels.get("method", ""), sample.labels.get("path", ""))
            else:
                continue
            bound = float(sample.labels["le"])
            per_route = buckets.setdefault(route, {})
            per_route[bound] = per_route.get(bound, 0.0) + sample.value  # over statuses
    return buckets


def scrape_server_histograms(base_url: str, token: str = "") -> ServerHistograms:
    """The web processes' request histograms (summed over them by prometheus_client's
    multiprocess mode, which the benchmark turns on); empty when `/metrics` does not answer."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    with contextlib.suppress(httpx.HTTPError):
        answer = httpx.get(f"{base_url}/metrics", headers=headers, timeout=10)
        if answer.status_code == 200:
            return histograms_from_text(answer.text)
    return {}


def merged_histograms(*scrapes: ServerHistograms) -> ServerHistograms:
    """Several pools' histograms as one (each pool sums its own processes)."""
    merged: ServerHistograms = {}
    for scrape in scrapes:
        for route, buckets in scrape.items():
            into = merged.setdefault(route, {})
            for bound, count in buckets.items():
                into[bound] = into.get(bound, 0.0) + count
    return merged


def _quantile_bound(cumulative: Mapping[float, float], q: float) -> float | None:
    """The smallest bucket bound under which a fraction `q` of the requests finished."""
    if not cumulative:
        return None
    total = cumulative.get(math.inf, max(cumulative.values()))
    if total <= 0:
        return None
    for bound in sorted(cumulative):
        if cumulative[bound] >= q * total:
            return bound
    return math.inf


def server_time_figures(
    before: ServerHistograms, after: ServerHistograms, routes: Mapping[str, tuple[str, str]]
) -> dict[str, dict[str, float | None]]:
    """Per request kind named in `routes`: count, and the bucket bounds (ms) under which half
    and 99 % of the phase's requests were served. A bound is an upper limit, not a value."""
    figures: dict[str, dict[str, float | None]] = {}
    for name, route in routes.items():
        late, early = after.get(route, {}), before.get(route, {})
        phase = {bound: late[bound] - early.get(bound, 0.0) for bound in late}
        count = phase.get(math.inf, 0.0)
        p50, p99 = _quantile_bound(phase, 0.5), _quantile_bound(phase, 0.99)
        figures[name] = {
            "count": count,
            "p50_ms_at_most": _ms(p50),
            "p99_ms_at_most": _ms(p99),
        }
    return figures


def _ms(bound: float | None) -> float | None:
    if bound is None or math.isinf(bound):
        return None
    return round(bound * 1000, 1)
