"""The opening morning headless, with locust as a library: one process, one JSON summary.

`python -m loadtests.run --host http://127.0.0.1:8000` plays `RUSH_TRACE` (settings as in
`loadtests.morning`) through `OpeningMorningShape` until every family is done, and prints the
figures per request name, then the summary as its last line, in JSON.
"""

from __future__ import annotations

# locust patches the standard library with gevent on import: it comes first.
from locust import events  # isort: skip

import argparse
import json
import time
from collections.abc import Sequence
from typing import Any

from locust.env import Environment
from locust.stats import StatsEntry

from loadtests.locustfile import FamilyUser
from loadtests.morning import RunState, current_run
from loadtests.shapes import OpeningMorningShape
from loadtests.shed_retries import SHED

__all__ = ["run_morning"]


def _entry(entry: StatsEntry) -> dict[str, Any]:
    return {
        "method": entry.method,
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "median_ms": round(entry.median_response_time or 0),
        "p95_ms": entry.get_response_time_percentile(0.95),
        "p99_ms": entry.get_response_time_percentile(0.99),
        "max_ms": round(entry.max_response_time or 0, 1),
    }


def _summary(env: Environment, run: RunState, elapsed_s: float, timed_out: bool) -> dict[str, Any]:
    stats = env.stats
    requests = {
        f"{e.method} {e.name}": _entry(e)
        for e in sorted(stats.entries.values(), key=lambda e: (e.name, e.method))
    }
    return {
        "families": len(run.arrivals),
        "families_finished": run.finished,
        # Begun but not played to the end when the figures were taken (0 once drained).
        "families_unfinished": run.handed_out - run.completed,
        "timed_out": timed_out,
        "elapsed_s": round(elapsed_s, 1),
        "requests_total": stats.total.num_requests,
        "failures_total": stats.total.num_failures,
        "requests_per_s": round(stats.total.num_requests / max(elapsed_s, 1e-9), 1),
        "user_exceptions": sum(e["count"] for e in env.runner.exceptions.values())
        if env.runner
        else 0,
        "errors": [
            {"name": e["name"], "error": e["error"], "count": e["occurrences"]}
            for e in stats.serialize_errors().values()
        ],
        "shed": run.outcomes.get(SHED, 0),
        "outcomes": dict(sorted(run.outcomes.items())),
        "requests": requests,
    }


def run_morning(host: str, timeout_s: float = 3600.0) -> dict[str, Any]:
    """Play the trace of the environment against `host`; returns the run's figures."""
    env = Environment(
        user_classes=[FamilyUser],
        shape_class=OpeningMorningShape(),  # type: ignore[no-untyped-call]
        events=events,
        host=host.rstrip("/"),
    )
    runner = env.create_local_runner()
    run = current_run()
    started = time.monotonic()
    runner.start_shape()
    shape = runner.shape_greenlet  # the runner forgets it when the shape stops the run
    assert shape is not None
    shape.join(timeout=timeout_s)
    timed_out = not shape.dead
    elapsed_s = time.monotonic() - started
    runner.quit()  # stopping reports the families cut short (`unfinished`): then the figures
    return _summary(env, run, elapsed_s, timed_out)


def _table(summary: dict[str, Any]) -> str:
    lines = [f"{'request':<28}{'count':>8}{'fail':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"]
    for name, e in summary["requests"].items():
        lines.append(
            f"{name:<28}{e['requests']:>8}{e['failures']:>6}"
            f"{e['median_ms']:>9}{e['p95_ms']:>9}{e['p99_ms']:>9}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m loadtests.run", description=__doc__)
    parser.add_argument(
        "--host", required=True, help="the Rush to load, e.g. http://127.0.0.1:8000"
    )
    parser.add_argument("--timeout", type=float, default=3600.0, help="real seconds at most")
    args = parser.parse_args(argv)
    summary = run_morning(args.host, args.timeout)
    print(_table(summary))
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
