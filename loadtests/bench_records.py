"""What the rush benchmark keeps of each request locust made; free of locust imports.

Importing locust monkey-patches the process with gevent, so the asyncio orchestrator reads
records through this module only.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

__all__ = ["RECORD_ENV", "LagSample", "RequestRecord", "lag_path", "read_lags", "read_records"]

RECORD_ENV = "RUSH_BENCH_RECORD"


class RequestRecord(msgspec.Struct, array_like=True, frozen=True):
    name: str
    start_s: float
    duration_ms: float
    ok: bool
    status: int


def read_records(path: Path) -> list[RequestRecord]:
    """The records a locust run left at `path` (none if it wrote nothing)."""
    if not path.exists():
        return []
    return msgspec.json.decode(path.read_bytes(), type=list[RequestRecord])


class LagSample(msgspec.Struct, array_like=True, frozen=True):
    """How late the load generator's event loop woke a greenlet that slept a tenth of a
    second, at `at_s` (wall clock): a response locust reads that late counts in its latency."""

    at_s: float
    lag_ms: float


def lag_path(records_path: Path) -> Path:
    """Where the generator's lag samples go, beside its request records."""
    return records_path.with_name(f"{records_path.stem}-lag.json")


def read_lags(path: Path) -> list[LagSample]:
    """The lag samples a locust run left at `path` (none if it wrote nothing)."""
    if not path.exists():
        return []
    return msgspec.json.decode(path.read_bytes(), type=list[LagSample])
