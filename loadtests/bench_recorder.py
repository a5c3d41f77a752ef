"""A locust plugin that keeps every request's name, start, duration and outcome.

`locust -f loadtests/locustfile.py,loadtests/bench_recorder.py` with `RUSH_BENCH_RECORD` set
writes them to one JSON file when locust quits, so the rush benchmark computes exact
percentiles, per-endpoint rates and the hold window itself. Defines no user class.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import msgspec
from locust import events

from loadtests.bench_records import RECORD_ENV, RequestRecord

_records: list[RequestRecord] = []


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


@events.quitting.add_listener  # type: ignore[untyped-decorator]
def _write(**_: Any) -> None:
    target = os.environ.get(RECORD_ENV)
    if target:
        Path(target).write_bytes(msgspec.json.encode(_records))
