"""What the rush benchmark keeps of each request locust made; free of locust imports.

Importing locust monkey-patches the process with gevent, so the asyncio orchestrator reads
records through this module only.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

__all__ = ["RECORD_ENV", "RequestRecord", "read_records"]

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
