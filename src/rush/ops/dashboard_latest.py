"""The latest dashboard snapshot of every sale, kept in Redis for readers that poll.

The worker already builds one snapshot per sale each second for the live dashboard; keeping
the newest copy lets a metrics scrape read a few bytes instead of running the dashboard's
queries once per scraper per web process.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources

import msgspec

from rush.engine.keys import LATEST_SNAPSHOTS
from rush.ops.dashboard import DashboardSnapshot
from rush.redis_clients import EngineRedis, register_script

__all__ = [
    "LATEST_SNAPSHOTS_KEY",
    "LATEST_SNAPSHOTS_TTL_SECONDS",
    "latest_snapshots",
    "store_latest",
]

LATEST_SNAPSHOTS_KEY = LATEST_SNAPSHOTS
"""Hash: sale id -> the sale's newest snapshot (JSON)."""
LATEST_SNAPSHOTS_TTL_SECONDS = 120
"""Long enough to see a stalled worker as a growing snapshot age, short enough to vanish."""

_decoder = msgspec.json.Decoder(DashboardSnapshot)
_STORE_SCRIPT = (resources.files("rush.ops") / "lua" / "store_latest_snapshots.lua").read_text()


async def store_latest(redis: EngineRedis, snapshots: Sequence[DashboardSnapshot]) -> None:
    """Replace the whole set at once, so a sale no longer published leaves with it."""
    args: list[str | bytes | int] = [LATEST_SNAPSHOTS_TTL_SECONDS]
    for snapshot in snapshots:
        args += [str(snapshot.sale_id), msgspec.json.encode(snapshot)]
    await register_script(redis, _STORE_SCRIPT)(keys=[LATEST_SNAPSHOTS_KEY], args=args)


async def latest_snapshots(redis: EngineRedis) -> list[DashboardSnapshot]:
    """Every sale's newest snapshot, by sale id; empty when no worker published lately."""
    raw: dict[bytes, bytes] = await redis.hgetall(LATEST_SNAPSHOTS_KEY)  # type: ignore[misc]
    snapshots = [_decoder.decode(value) for value in raw.values()]
    return sorted(snapshots, key=lambda s: s.sale_id)
