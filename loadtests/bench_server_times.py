"""How long the web processes themselves took over each request kind, beside what locust saw.

Locust times a request from its own side: on a machine where the load generator shares the
cores, that includes the time the request waited to be read (the kernel's queue, an event
loop busy with other requests) and the time locust itself waited for a core. The web
processes' Prometheus histograms (`web.metrics`) time the app from the moment uvicorn hands it
the request to the last byte sent. The gap between the two figures is queueing, not work.

Each web process has its own registry, so `/metrics` is scraped on fresh connections until
every process has answered (told apart by `rush_process_id`), before and after a
phase; the phase's figures are the difference, summed over the processes.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping

import httpx
from prometheus_client.parser import text_string_to_metric_families

__all__ = [
    "RUSH_ROUTES",
    "ServerHistograms",
    "scrape_server_histograms",
    "server_time_figures",
]

_DURATION = "rush_http_request_duration_seconds"
_MAX_SCRAPES = 60

RUSH_ROUTES = {
    "hold": ("POST", "/api/v1/sales/{sale_id}/cart/hold"),
    "cart items": ("POST", "/api/v1/sales/{sale_id}/cart/items"),  # drafts, and adds once live
    "status": ("GET", "/api/v1/sales/{sale_id}/queue/standing"),
    "login": ("POST", "/api/v1/auth/login"),
}
"""The request kinds of a rush whose server time the benchmark reports, by route template."""

ServerHistograms = dict[tuple[str, str], dict[float, float]]
"""(method, route template) -> cumulative count per bucket upper bound, over all processes."""


def _one_process(text: str) -> tuple[float | None, ServerHistograms]:
    process: float | None = None
    buckets: ServerHistograms = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "rush_process_id":
                process = sample.value
            elif sample.name == f"{_DURATION}_bucket":
                route = (sample.labels.get("method", ""), sample.labels.get("path", ""))
                bound = float(sample.labels["le"])
                per_route = buckets.setdefault(route, {})
                per_route[bound] = per_route.get(bound, 0.0) + sample.value  # over statuses
    return process, buckets


def scrape_server_histograms(base_url: str, processes: int, token: str = "") -> ServerHistograms:
    """Every web process's request histograms, summed; the processes never reached are
    missing from the sum (the figures then cover the others only)."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    seen: dict[float, ServerHistograms] = {}
    for _ in range(_MAX_SCRAPES):
        if len(seen) >= processes:
            break
        # A fresh connection each time, so the kernel may hand it to another process.
        with contextlib.suppress(httpx.HTTPError), httpx.Client(timeout=10) as client:
            answer = client.get(f"{base_url}/metrics", headers=headers)
            if answer.status_code == 200:
                process, buckets = _one_process(answer.text)
                if process is not None:
                    seen[process] = buckets
    total: ServerHistograms = {}
    for buckets in seen.values():
        for route, per_bound in buckets.items():
            into = total.setdefault(route, {})
            for bound, count in per_bound.items():
                into[bound] = into.get(bound, 0.0) + count
    return total


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
