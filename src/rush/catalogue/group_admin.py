"""Groups as staff create and edit them, kept equal in Postgres and in the hold engine.

A new group is opened in the engine inside the transaction that inserts it, so no catalogue
read can find it in Postgres without places in Redis. A capacity changes only through
`rush.engine.capacity.change_capacity`, which refuses to go below what is paid or held.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from rush.catalogue.admin import get_program, logged
from rush.catalogue.checks import (
    CatalogueInvalid,
    CatalogueItemNotFound,
    DaycareGroupInvalid,
    check_group,
)
from rush.catalogue.fields import Group, GroupFields
from rush.db import Executor, inserted, query
from rush.engine.capacity import change_capacity
from rush.engine.holds import GroupSnapshot, HoldEngine
from rush.engine.staged_carts import StagedCarts
from rush.ops.staff_log import log_staff_action

__all__ = ["create_group", "get_group", "list_groups", "update_group"]


async def list_groups(pool: asyncpg.Pool, sale_id: int) -> list[Group]:
    """Every group of a sale's programs, in catalogue order."""
    return [Group(**dict(r)) for r in await pool.fetch(query("admin_groups"), sale_id)]


async def get_group(conn: Executor, group_id: int) -> Group:
    row = await conn.fetchrow(query("admin_group"), group_id)
    if row is None:
        raise CatalogueItemNotFound("group", group_id)
    return Group(**dict(row))


async def _check_daycare(
    conn: Executor, sale_id: int, fields: GroupFields, group_id: int | None
) -> None:
    """A daycare slot goes with one ordinary group of the same sale, never with itself."""
    linked_id = fields.daycare_for_group_id
    if linked_id is None:
        return
    linked = await conn.fetchrow(query("admin_group"), linked_id)
    if (
        linked is None
        or linked_id == group_id
        or linked["sale_id"] != sale_id
        or linked["daycare_for_group_id"] is not None
    ):
        raise DaycareGroupInvalid("daycare_for_group_id")


def _group_args(fields: GroupFields) -> tuple[Any, ...]:
    return (
        fields.name_fr.strip(),
        fields.name_en.strip(),
        fields.price_cents,
        fields.age_min,
        fields.age_max,
        fields.starts_on,
        fields.ends_on,
        fields.schedule_fr.strip(),
        fields.schedule_en.strip(),
        fields.week_number,
        fields.daycare_for_group_id,
    )


async def _open_in_engine(conn: Executor, engine: HoldEngine, program_id: int) -> None:
    """Rebuild the program's engine state from this transaction, the new group included.

    The program's groups stay share-locked meanwhile, so no payment or capacity change can
    slip between the snapshot and Redis; live holds survive (see lua/reconcile.lua).
    """
    await conn.fetch(query("lock_program_groups"), program_id)
    rows = await conn.fetch(query("program_groups_snapshot"), program_id)
    hold_ids = [r["hold_id"] for r in await conn.fetch(query("program_paid_hold_ids"), program_id)]
    snapshot = [GroupSnapshot(r["group_id"], r["capacity"], r["paid"]) for r in rows]
    await engine.reconcile(program_id, snapshot, hold_ids)


async def create_group(
    pool: asyncpg.Pool, engine: HoldEngine, staff_id: int, fields: GroupFields
) -> Group:
    """A group with its places open in the engine at once."""
    check_group(fields)
    program = await get_program(pool, fields.program_id)
    async with pool.acquire() as conn, conn.transaction():
        await _check_daycare(conn, program.sale_id, fields, None)
        args = _group_args(fields)
        group_id = (
            await inserted(
                conn, "admin_group_insert", program.id, *args[:2], fields.capacity, *args[2:]
            )
        )["id"]
        await _open_in_engine(conn, engine, program.id)
    await log_staff_action(
        pool, staff_id, "group_create", program.sale_id, group_id=group_id, **logged(fields)
    )
    return await get_group(pool, group_id)


async def update_group(
    pool: asyncpg.Pool, engine: HoldEngine, staff_id: int, group_id: int, fields: GroupFields
) -> Group:
    """Edit a group; a new capacity is refused below its paid and held places, saving nothing."""
    check_group(fields)
    current = await get_group(pool, group_id)
    if fields.program_id != current.program_id:
        raise CatalogueInvalid("program_id")
    await _check_daycare(pool, current.sale_id, fields, group_id)
    if fields.capacity != current.capacity:
        # First, as it is the one change that can still be refused; the rest was checked.
        await change_capacity(pool, engine, group_id, fields.capacity)
    if fields.price_cents != current.price_cents:
        # Before the new price is written: no hold may price a staged cart at the old one.
        await StagedCarts(engine.redis).unstage_sale(current.sale_id)
    await pool.execute(query("admin_group_update"), group_id, *_group_args(fields))
    await log_staff_action(
        pool,
        staff_id,
        "group_update",
        current.sale_id,
        group_id=group_id,
        capacity_before=current.capacity,
        **logged(fields),
    )
    return await get_group(pool, group_id)
