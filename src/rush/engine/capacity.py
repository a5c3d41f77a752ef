"""Changing a group's capacity live: Postgres and the hold engine change together."""

from __future__ import annotations

import asyncpg

from rush.db import query
from rush.engine.holds import HoldEngine
from rush.errors import CapacityBelowCommitted, UnknownGroup

__all__ = ["change_capacity"]


async def change_capacity(
    pool: asyncpg.Pool,
    engine: HoldEngine,
    group_id: int,
    capacity: int,
    *,
    sale_id: int | None = None,
) -> None:
    """Set a group's capacity, refused below the places already paid (Postgres) or held (Redis).

    With `sale_id` (a control on one sale's dashboard), a group of another sale is unknown:
    the change and its log entry never land under the wrong sale.

    The group row stays locked while Redis changes, so no finalize can slip a paid place in
    between the two checks; Postgres is written last and cannot fail on capacity any more.
    """
    async with pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow(query("lock_group"), group_id)
        if row is None or (sale_id is not None and row["sale_id"] != sale_id):
            raise UnknownGroup(group_id)
        if capacity < row["paid_count"]:
            raise CapacityBelowCommitted(group_id, row["paid_count"], 0)
        await engine.set_capacity(row["program_id"], group_id, capacity)
        await conn.execute(query("set_group_capacity"), group_id, capacity)
