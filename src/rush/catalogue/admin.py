"""Seasons, sales and programs as the recreation department sets them up, each change logged.

Every write checks its fields first (`rush.catalogue.checks`), so a refused form saves nothing,
and records who made it in the staff log. Groups, whose places live in the hold engine too,
are written by `rush.catalogue.group_admin`; per-child caps by `rush.catalogue.caps_admin`.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from rush.catalogue.checks import (
    CatalogueInvalid,
    CatalogueItemNotFound,
    check_program,
    check_sale,
    check_season,
)
from rush.catalogue.fields import Program, ProgramFields, Sale, SaleFields, Season, SeasonFields
from rush.db import Executor, inserted, query
from rush.ops.staff_log import log_staff_action
from rush.room.sales import prepare_room
from rush.room.waiting_room import WaitingRoom

__all__ = [
    "create_program",
    "create_sale",
    "create_season",
    "get_program",
    "get_sale",
    "get_season",
    "list_programs",
    "list_sales",
    "list_seasons",
    "update_program",
    "update_sale",
    "update_season",
]


def logged(fields: msgspec.Struct) -> dict[str, Any]:
    """Fields as the staff log keeps them: plain JSON values; the sale has its own column."""
    details: dict[str, Any] = msgspec.to_builtins(fields)
    details.pop("sale_id", None)
    return details


async def _one(conn: Executor, name: str, kind: str, item_id: int) -> asyncpg.Record:
    row = await conn.fetchrow(query(name), item_id)
    if row is None:
        raise CatalogueItemNotFound(kind, item_id)
    return row


# -- seasons --------------------------------------------------------------------------------------


async def list_seasons(pool: asyncpg.Pool) -> list[Season]:
    return [Season(**dict(r)) for r in await pool.fetch(query("admin_seasons"))]


async def get_season(conn: Executor, season_id: int) -> Season:
    return Season(**dict(await _one(conn, "admin_season", "season", season_id)))


def _season_args(fields: SeasonFields) -> tuple[Any, ...]:
    return (
        fields.name_fr.strip(),
        fields.name_en.strip(),
        fields.starts_on,
        fields.ends_on,
        fields.age_reference_date,
    )


async def create_season(pool: asyncpg.Pool, staff_id: int, fields: SeasonFields) -> Season:
    check_season(fields)
    season_id = (await inserted(pool, "admin_season_insert", *_season_args(fields)))["id"]
    await log_staff_action(
        pool, staff_id, "season_create", None, season_id=season_id, **logged(fields)
    )
    return await get_season(pool, season_id)


async def update_season(
    pool: asyncpg.Pool, staff_id: int, season_id: int, fields: SeasonFields
) -> Season:
    check_season(fields)
    if await pool.fetchrow(query("admin_season_update"), season_id, *_season_args(fields)) is None:
        raise CatalogueItemNotFound("season", season_id)
    await log_staff_action(
        pool, staff_id, "season_update", None, season_id=season_id, **logged(fields)
    )
    return await get_season(pool, season_id)


# -- sales ----------------------------------------------------------------------------------------


async def list_sales(pool: asyncpg.Pool) -> list[Sale]:
    return [Sale(**dict(r)) for r in await pool.fetch(query("admin_sales"))]


async def get_sale(conn: Executor, sale_id: int) -> Sale:
    return Sale(**dict(await _one(conn, "admin_sale", "sale", sale_id)))


def _sale_args(fields: SaleFields) -> tuple[Any, ...]:
    return (
        fields.name_fr.strip(),
        fields.name_en.strip(),
        fields.opens_at,
        fields.closes_at,
        fields.two_instalments_min_cents,
        fields.second_instalment_due_on,
    )


async def create_sale(
    pool: asyncpg.Pool, room: WaitingRoom, staff_id: int, fields: SaleFields
) -> Sale:
    """A scheduled sale, its waiting room ready for families to pre-queue."""
    check_sale(fields)
    try:
        await get_season(pool, fields.season_id)
    except CatalogueItemNotFound:
        raise CatalogueInvalid("season_id") from None
    sale_id = (await inserted(pool, "admin_sale_insert", fields.season_id, *_sale_args(fields)))[
        "id"
    ]
    await prepare_room(pool, room, sale_id)
    await log_staff_action(pool, staff_id, "sale_create", sale_id, **logged(fields))
    return await get_sale(pool, sale_id)


async def update_sale(
    pool: asyncpg.Pool, room: WaitingRoom, staff_id: int, sale_id: int, fields: SaleFields
) -> Sale:
    """Rename or reschedule a sale; the waiting room learns the new opening time."""
    check_sale(fields)
    if (await get_sale(pool, sale_id)).season_id != fields.season_id:
        raise CatalogueInvalid("season_id")
    await pool.execute(query("admin_sale_update"), sale_id, *_sale_args(fields))
    await prepare_room(pool, room, sale_id)
    await log_staff_action(pool, staff_id, "sale_update", sale_id, **logged(fields))
    return await get_sale(pool, sale_id)


# -- programs -------------------------------------------------------------------------------------


async def list_programs(pool: asyncpg.Pool, sale_id: int) -> list[Program]:
    return [Program(**dict(r)) for r in await pool.fetch(query("admin_programs"), sale_id)]


async def get_program(conn: Executor, program_id: int) -> Program:
    return Program(**dict(await _one(conn, "admin_program", "program", program_id)))


def _program_args(fields: ProgramFields) -> tuple[Any, ...]:
    return (
        fields.kind,
        fields.name_fr.strip(),
        fields.name_en.strip(),
        fields.description_fr.strip(),
        fields.description_en.strip(),
        fields.childcare_eligible,
    )


async def create_program(pool: asyncpg.Pool, staff_id: int, fields: ProgramFields) -> Program:
    check_program(fields)
    await get_sale(pool, fields.sale_id)
    program_id = (
        await inserted(pool, "admin_program_insert", fields.sale_id, *_program_args(fields))
    )["id"]
    await log_staff_action(
        pool, staff_id, "program_create", fields.sale_id, program_id=program_id, **logged(fields)
    )
    return await get_program(pool, program_id)


async def update_program(
    pool: asyncpg.Pool, staff_id: int, program_id: int, fields: ProgramFields
) -> Program:
    check_program(fields)
    if (await get_program(pool, program_id)).sale_id != fields.sale_id:
        raise CatalogueInvalid("sale_id")
    await pool.execute(query("admin_program_update"), program_id, *_program_args(fields))
    await log_staff_action(
        pool, staff_id, "program_update", fields.sale_id, program_id=program_id, **logged(fields)
    )
    return await get_program(pool, program_id)
