"""A locust plugin that keeps every request's name, start, duration and outcome.

`locust -f loadtests/locustfile.py,loadtests/bench_recorder.py` with `RUSH_BENCH_RECORD` set
writes them to one JSON file when locust quits, so the rush benchmark computes exact
percentiles, per-endpoint rates and the hold window itself. Beside them it samples how late
locust's own event loop runs (`LagSample`): one process of greenlets shares the machine with the
servers, and a response it reads late counts in the latency it reports, so the benchmark says
how much of a p99 is the generator's. Defines no user class.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import gevent  # type: ignore[import-untyped]
import msgspec
from locust import events

from loadtests.bench_records import RECORD_ENV, LagSample, RequestRecord, lag_path

_records: list[RequestRecord] = []
_lags: list[LagSample] = []
_PROBE_S = 0.1


@events.request.add_listener  # type: ignore[untyped-decorator]
def _record(
    name: str,
    response_time: float,
    exception: BaseException | None = None,
    start_time: float | None = None,
    response: Any = None,
    **_: Any,
) -> None:
    start = start_time if start_time is not None else time.time() - response_time / 1000
    status = getattr(response, "status_code", 0) or 0
    _records.append(RequestRecord(name, start, response_time, exception is None, int(status)))


@events.test_start.add_listener  # type: ignore[untyped-decorator]
def _start_lag_probe(**_: Any) -> None:
    if os.environ.get(RECORD_ENV):
        gevent.spawn(_probe_lag)


def _probe_lag() -> None:
    while True:
        before = time.perf_counter()
        gevent.sleep(_PROBE_S)
        late_ms = (time.perf_counter() - before - _PROBE_S) * 1000
        _lags.append(LagSample(round(time.time(), 3), round(max(late_ms, 0.0), 1)))


@events.quitting.add_listener  # type: ignore[untyped-decorator]
def _write(**_: Any) -> None:
    target = os.environ.get(RECORD_ENV)
    if target:
        Path(target).write_bytes(msgspec.json.encode(_records))
        lag_path(Path(target)).write_bytes(msgspec.json.encode(_lags))
