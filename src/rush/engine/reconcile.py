"""Rebuilds the hold engine's Redis state from Postgres, the source of truth for paid places.

Safe to run at any time, during a rush too: live holds survive, and a payment finalized
while the snapshot is read is neither lost nor counted twice (see lua/reconcile.lua).
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from rush.db import query
from rush.engine.holds import GroupDrift, GroupSnapshot, HoldEngine

__all__ = ["ProgramDrift", "reconcile_all", "reconcile_program"]


@dataclass(frozen=True, slots=True)
class ProgramDrift:
    program_id: int
    groups: list[GroupDrift]


async def reconcile_program(
    pool: asyncpg.Pool, engine: HoldEngine, program_id: int
) -> ProgramDrift:
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        # One snapshot for both reads, so counts and hold ids describe the same instant.
        rows = await conn.fetch(query("program_groups_snapshot"), program_id)
        hold_ids = [
            r["hold_id"] for r in await conn.fetch(query("program_paid_hold_ids"), program_id)
        ]
    groups = [GroupSnapshot(r["group_id"], r["capacity"], r["paid"]) for r in rows]
    return ProgramDrift(program_id, await engine.reconcile(program_id, groups, hold_ids))


async def reconcile_all(pool: asyncpg.Pool, engine: HoldEngine) -> list[ProgramDrift]:
    """Reconcile every program; returns only the programs whose Redis state drifted."""
    program_ids = [r["id"] for r in await pool.fetch("SELECT id FROM program ORDER BY id")]
    drifts = [await reconcile_program(pool, engine, program_id) for program_id in program_ids]
    return [drift for drift in drifts if drift.groups]
