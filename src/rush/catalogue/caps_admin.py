"""Per-child caps of a sale ("at most 6 camp weeks per child in the first hour"), set by staff.

The cart reads them (`sale_child_cap`); here they are listed, added, changed and removed,
each change logged.
"""

from __future__ import annotations

import asyncpg

from rush.catalogue.admin import get_program, get_sale, logged
from rush.catalogue.checks import CatalogueInvalid, CatalogueItemNotFound, check_child_cap
from rush.catalogue.fields import ChildCap, ChildCapFields
from rush.db import Executor, inserted, query
from rush.ops.staff_log import log_staff_action

__all__ = [
    "create_child_cap",
    "delete_child_cap",
    "get_child_cap",
    "list_child_caps",
    "update_child_cap",
]


async def list_child_caps(pool: asyncpg.Pool, sale_id: int) -> list[ChildCap]:
    return [ChildCap(**dict(r)) for r in await pool.fetch(query("admin_child_caps"), sale_id)]


async def get_child_cap(conn: Executor, cap_id: int) -> ChildCap:
    row = await conn.fetchrow(query("admin_child_cap"), cap_id)
    if row is None:
        raise CatalogueItemNotFound("child_cap", cap_id)
    return ChildCap(**dict(row))


async def _check(pool: asyncpg.Pool, fields: ChildCapFields) -> None:
    check_child_cap(fields)
    await get_sale(pool, fields.sale_id)
    if fields.program_id is not None:
        try:
            program = await get_program(pool, fields.program_id)
        except CatalogueItemNotFound:
            raise CatalogueInvalid("program_id") from None
        if program.sale_id != fields.sale_id:
            raise CatalogueInvalid("program_id")


async def create_child_cap(pool: asyncpg.Pool, staff_id: int, fields: ChildCapFields) -> ChildCap:
    await _check(pool, fields)
    cap_id = (
        await inserted(
            pool,
            "admin_child_cap_insert",
            fields.sale_id,
            fields.program_id,
            fields.max_places,
            fields.for_seconds,
        )
    )["id"]
    await log_staff_action(
        pool, staff_id, "child_cap_create", fields.sale_id, cap_id=cap_id, **logged(fields)
    )
    return await get_child_cap(pool, cap_id)


async def update_child_cap(
    pool: asyncpg.Pool, staff_id: int, cap_id: int, fields: ChildCapFields
) -> ChildCap:
    """Change a cap's program, places or duration; its sale stays."""
    if (await get_child_cap(pool, cap_id)).sale_id != fields.sale_id:
        raise CatalogueInvalid("sale_id")
    await _check(pool, fields)
    await pool.execute(
        query("admin_child_cap_update"),
        cap_id,
        fields.program_id,
        fields.max_places,
        fields.for_seconds,
    )
    await log_staff_action(
        pool, staff_id, "child_cap_update", fields.sale_id, cap_id=cap_id, **logged(fields)
    )
    return await get_child_cap(pool, cap_id)


async def delete_child_cap(pool: asyncpg.Pool, staff_id: int, cap_id: int) -> None:
    cap = await get_child_cap(pool, cap_id)
    await pool.execute(query("admin_child_cap_delete"), cap_id)
    await log_staff_action(
        pool, staff_id, "child_cap_delete", cap.sale_id, cap_id=cap_id, **logged(cap)
    )
