"""`/metrics` for Prometheus: this process's HTTP traffic, and the rush as the worker last saw it.

HTTP counts and latency come from Litestar's Prometheus middleware, labelled by route
template (`/api/v1/sales/{sale_id}/cart/items`), never by raw path, so ids cannot explode
the number of series. The `rush_` gauges are read at scrape time from the dashboard
snapshots the worker already builds each second (`rush.ops.dashboard_latest`): a scrape costs
one Redis read, whatever the number of scrapers and web processes.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Iterable, Sequence
from typing import Any

import structlog
from litestar import Request, Response, get
from litestar.datastructures import State
from litestar.plugins.prometheus import PrometheusConfig, PrometheusMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from redis.exceptions import RedisError

from rush.load_shedding import Saturation
from rush.ops.dashboard import DashboardSnapshot
from rush.ops.dashboard_latest import latest_snapshots
from web.shedding import NEW_ARRIVAL_DOORS, SATURATION
from web.state import resources

__all__ = [
    "MULTIPROCESS_DIR_ENV",
    "SaturationCollector",
    "SnapshotCollector",
    "http_metrics",
    "metrics",
]

log = structlog.stdlib.get_logger("rush.metrics")


MULTIPROCESS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"
"""prometheus_client's setting: where processes sharing a port keep their counts to sum."""

UNMATCHED_ROUTE = "unmatched"
"""The path label of a request no route took (a malformed id, a probe): one series for all."""


def _http_config() -> PrometheusConfig:
    return PrometheusConfig(
        app_name="rush",
        prefix="rush_http",
        group_path=True,
        # Fine below 100 ms, where a served request lands, so a p99 reads as a bound that says
        # something (the default starts at 5 ms and steps 25-50-75-100).
        buckets=[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        # A dashboard stream lasts as long as a browser watches: not a request latency.
        exclude=[r"/stream$"],
    )


class RouteMetrics(PrometheusMiddleware):
    """Litestar's Prometheus middleware, labelled once the answer is known: it wraps the whole
    app (router and exception handlers included), so a request no route took or one refused by
    CSRF is counted with its real status, under its route template or `unmatched`."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        span = {"start_time": time.perf_counter(), "end_time": 0, "duration": 0, "status_code": 500}
        try:
            await self.app(scope, receive, self._get_wrapped_send(send, span))
        finally:
            labels: dict[str, str | int | float] = {
                "method": str(scope.get("method", "")),
                "path": scope.get("path_template") or UNMATCHED_ROUTE,
                "status_code": span["status_code"],
                "app_name": self._config.app_name,
            }
            values = list(labels.values())
            if span["status_code"] >= 500:
                self.requests_error_count(labels).labels(*values).inc()
            self.request_count(labels).labels(*values).inc()
            self.request_time(labels).labels(*values).observe(span["duration"])


def http_metrics(app: ASGIApp) -> ASGIApp:
    """Request count and latency histogram per method, route template and status."""
    return RouteMetrics(app=app, config=_http_config())


def _gauge(name: str, doc: str, labels: Sequence[str] = ()) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, labels=list(labels))


class SnapshotCollector:
    """The latest snapshot of each sale as Prometheus families (a `prometheus_client`
    collector, built per scrape around snapshots already read)."""

    def __init__(self, snapshots: Sequence[DashboardSnapshot] | None, now_ms: int) -> None:
        self._snapshots = snapshots
        self._now_ms = now_ms

    def collect(self) -> Iterable[Metric]:
        readable = _gauge("rush_dashboard_read_ok", "1 when the latest snapshots could be read")
        readable.add_metric([], 0 if self._snapshots is None else 1)
        yield readable
        if self._snapshots is None:
            return
        count = _gauge("rush_dashboard_snapshots", "Sales with a snapshot published lately")
        count.add_metric([], len(self._snapshots))
        yield count
        yield from self._sales(self._snapshots)
        yield from self._groups(self._snapshots)
        yield from self._flow(self._snapshots)
        if self._snapshots:
            yield from self._process_wide(max(self._snapshots, key=lambda s: s.at_ms))

    def _sales(self, snapshots: Sequence[DashboardSnapshot]) -> Iterable[Metric]:
        age = _gauge("rush_dashboard_snapshot_age_seconds", "Age of the sale's snapshot", ["sale"])
        status = _gauge(
            "rush_sale_info", "The waiting room's status, as a label", ["sale", "status"]
        )
        queue = _gauge("rush_queue_families", "Families in the waiting room", ["sale", "state"])
        admitted = CounterMetricFamily(
            "rush_queue_admitted", "Families admitted since the sale opened", labels=["sale"]
        )
        rate = _gauge("rush_admission_rate_per_minute", "Admissions in the last minute", ["sale"])
        wait = _gauge(
            "rush_queue_median_wait_seconds",
            "Median wait of the last minute's admissions (a histogram bound: at most)",
            ["sale"],
        )
        for s in snapshots:
            sale = str(s.sale_id)
            age.add_metric([sale], max(0, self._now_ms - s.at_ms) / 1000)
            status.add_metric([sale, s.queue.status], 1)
            for state, value in (
                ("prequeue", s.queue.prequeue),
                ("waiting", s.queue.waiting),
                ("shopping", s.queue.shopping),
            ):
                queue.add_metric([sale, state], value)
            admitted.add_metric([sale], s.queue.admitted_total)
            rate.add_metric([sale], s.queue.measured_rate_per_min)
            if s.queue.median_wait_s is not None:
                wait.add_metric([sale], s.queue.median_wait_s)
        yield from (age, status, queue, admitted, rate, wait)

    def _groups(self, snapshots: Sequence[DashboardSnapshot]) -> Iterable[Metric]:
        labels = ["sale", "group"]
        families = {
            "capacity": _gauge("rush_group_capacity", "Places in the group", labels),
            "paid": _gauge("rush_group_paid", "Places paid", labels),
            "held": _gauge("rush_group_held", "Places held in carts", labels),
            "places_left": _gauge("rush_group_places_left", "Places anyone can still hold", labels),
            "waitlist": _gauge("rush_group_waitlist", "Families waiting for a place", labels),
        }
        info = _gauge("rush_group_info", "A group's names", ["sale", "group", "program", "name"])
        for s in snapshots:
            for g in s.groups:
                ids = [str(s.sale_id), str(g.group_id)]
                for field, family in families.items():
                    family.add_metric(ids, getattr(g, field))
                info.add_metric([*ids, g.program, g.name], 1)
        yield from (*families.values(), info)

    def _flow(self, snapshots: Sequence[DashboardSnapshot]) -> Iterable[Metric]:
        labels = ["sale"]
        families = {
            "paid_orders": _gauge("rush_orders_paid", "Paid orders", labels),
            "conflicts": _gauge("rush_orders_conflict", "Orders paid too late (conflict)", labels),
            "refunds": _gauge("rush_orders_refunded", "Orders refunded", labels),
            "payments_last_minute": _gauge(
                "rush_payments_last_minute", "Payments that succeeded in the last minute", labels
            ),
            "awaiting_finalize": _gauge(
                "rush_orders_awaiting_finalize", "Paid orders not yet registrations", labels
            ),
        }
        lag = _gauge(
            "rush_finalize_lag_seconds", "Oldest paid order still awaiting finalize", labels
        )
        for s in snapshots:
            sale = [str(s.sale_id)]
            for field, family in families.items():
                family.add_metric(sale, getattr(s.flow, field))
            lag.add_metric(sale, s.flow.finalize_lag_ms / 1000)
        yield from (*families.values(), lag)

    def _process_wide(self, newest: DashboardSnapshot) -> Iterable[Metric]:
        depth = _gauge("rush_job_queue_depth", "arq jobs waiting to run")
        depth.add_metric([], newest.flow.job_queue_depth)
        ping = _gauge(
            "rush_dependency_ping_seconds", "Round trip seen by the worker", ["dependency"]
        )
        ping.add_metric(["postgres"], newest.latency.postgres_ms / 1000)
        ping.add_metric(["redis"], newest.latency.redis_ms / 1000)
        yield from (depth, ping)


class SaturationCollector:
    """This process's saturation (`rush.load_shedding`): the new arrivals it shed, by door,
    and the readings it decides on."""

    def __init__(self, saturation: Saturation) -> None:
        self._saturation = saturation

    def collect(self) -> Iterable[Metric]:
        s = self._saturation
        shed = CounterMetricFamily(
            "rush_shed_requests",
            "New arrivals answered 503 with Retry-After while this process was saturated",
            labels=["door"],
        )
        for door in NEW_ARRIVAL_DOORS:
            shed.add_metric([door], s.shed_total.get(door, 0))
        lag = _gauge("rush_event_loop_lag_seconds", "Smoothed lag of this process's event loop")
        lag.add_metric([], s.smoothed_lag_ms / 1000)
        in_flight = _gauge("rush_requests_in_flight", "Requests this process is serving")
        in_flight.add_metric([], s.in_flight)
        shedding = _gauge("rush_shedding", "1 while this process sheds new arrivals")
        shedding.add_metric([], 1 if s.sheds_new_arrivals() else 0)
        waiting = _gauge(
            "rush_requests_waiting_for_work_slot",
            "Requests of this process waiting for a work slot (the purchase path goes first)",
        )
        waiting.add_metric([], s.gate.waiting if s.gate else 0)
        yield from (shed, lag, in_flight, shedding, waiting)


def _http_registry() -> CollectorRegistry:
    """This process's HTTP counts; with `PROMETHEUS_MULTIPROC_DIR` set (several uvicorn
    workers sharing one port, where a scrape reaches any one of them), every process's,
    summed from the files prometheus_client keeps there."""
    if not os.environ.get(MULTIPROCESS_DIR_ENV):
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


def _authorized(request: Request[Any, Any, Any], token: str) -> bool:
    if not token:
        return True
    given = request.headers.get("authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@get("/metrics", include_in_schema=False)
async def metrics(request: Request[Any, Any, Any], state: State) -> Response[bytes]:
    """Prometheus text format; needs `Authorization: Bearer` when `RUSH_METRICS_TOKEN` is set."""
    services = resources(state).services
    if not _authorized(request, services.settings.metrics_token):
        return Response(b"", status_code=401, headers={"www-authenticate": "Bearer"})
    snapshots: list[DashboardSnapshot] | None
    try:
        snapshots = await latest_snapshots(services.redis)
    except RedisError as exc:
        log.warning("metrics could not read the latest snapshots", error=str(exc))
        snapshots = None
    domain = CollectorRegistry()
    http = _http_registry()
    domain.register(SnapshotCollector(snapshots, int(time.time() * 1000)))
    domain.register(SaturationCollector(request.app.state[SATURATION]))
    return Response(
        generate_latest(http) + generate_latest(domain),
        media_type=CONTENT_TYPE_LATEST,
    )
