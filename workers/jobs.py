"""arq jobs: thin shells that call the domain in `rush`."""

from __future__ import annotations

import logging
from typing import Any

from rush.reconcile import reconcile_all

log = logging.getLogger("rush.workers")


async def sweep_expired_holds(ctx: dict[str, Any]) -> int:
    """Purge expired holds of every known program, so idle programs show fresh counts."""
    engine = ctx["engine"]
    purged = 0
    for program_id in await engine.known_programs():
        purged += await engine.sweep(program_id)
    if purged:
        log.info("swept %d expired hold(s)", purged)
    return purged


async def reconcile_redis(ctx: dict[str, Any]) -> int:
    """Rebuild Redis counts from Postgres and report every drift it repaired."""
    drifts = await reconcile_all(ctx["pool"], ctx["engine"])
    for drift in drifts:
        for group in drift.groups:
            log.warning(
                "reconcile repaired program %d group %d: capacity %s paid %s held %s",
                drift.program_id,
                group.group_id,
                group.capacity,
                group.paid,
                group.held,
            )
    return sum(len(drift.groups) for drift in drifts)
