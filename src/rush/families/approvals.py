"""Staff decide on families waiting for approval, and every decision is logged."""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from rush.db import query
from rush.families.accounts import set_family_status
from rush.ops.staff_log import log_staff_action

__all__ = ["Decision", "PendingFamily", "decide_family", "pending_families", "recent_decisions"]


class PendingFamily(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str | None
    email: str | None
    created_at: dt.datetime
    children: int


class Decision(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str | None
    email: str | None
    action: str
    status: str
    """The family's status now, which a later decision may have changed."""
    staff: str
    at: dt.datetime


async def pending_families(pool: asyncpg.Pool) -> list[PendingFamily]:
    return [PendingFamily(**dict(r.items())) for r in await pool.fetch(query("families_pending"))]


async def recent_decisions(pool: asyncpg.Pool, limit: int = 20) -> list[Decision]:
    rows = await pool.fetch(query("families_recently_decided"), limit)
    return [Decision(**dict(r.items())) for r in rows]


async def decide_family(
    pool: asyncpg.Pool, staff_account_id: int, family_id: int, approve: bool
) -> bool:
    """Approve or refuse a family and log who did; False when there is no such family."""
    status = "approved" if approve else "refused"
    if not await set_family_status(pool, family_id, status):
        return False
    await log_staff_action(pool, staff_account_id, f"family_{status}", None, family_id=family_id)
    return True
