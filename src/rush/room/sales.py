"""A sale's lifecycle: Postgres records it, the waiting room in Redis enforces it.

Ops open, pause, resume and close a sale and change its pace here; the pre-queue draw and
every admission are recorded in Postgres for the fairness audit.
"""

from __future__ import annotations

import datetime as dt
import secrets

import asyncpg

from rush.child_claims import claim_children
from rush.db import query
from rush.errors import UnknownSale
from rush.families.accounts import require_may_join_queue
from rush.room.waiting_room import Draw, QueueStanding, WaitingRoom

__all__ = [
    "close_sale",
    "copy_admissions_to_postgres",
    "join_queue",
    "open_sale",
    "pause_sale",
    "prepare_room",
    "prepare_rooms",
    "resume_sale",
    "set_pace",
]


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


async def prepare_room(pool: asyncpg.Pool, room: WaitingRoom, sale_id: int) -> str:
    """Create or refresh the sale's waiting room from its row; returns the room status."""
    sale = await pool.fetchrow(query("sale_pacing"), sale_id)
    if sale is None:
        raise UnknownSale(sale_id)
    return await room.configure(
        sale_id,
        rate_per_min=sale["admission_rate_per_min"],
        max_shoppers=sale["max_shoppers"],
        idle_ms=sale["idle_timeout_seconds"] * 1000,
        opens_ms=_ms(sale["opens_at"]),
        status_if_new=sale["status"],
    )


async def prepare_rooms(pool: asyncpg.Pool, room: WaitingRoom) -> list[int]:
    """Create or refresh the waiting room of every sale not closed (after a Redis rebuild too)."""
    sale_ids = [r["id"] for r in await pool.fetch(query("sales_not_closed"))]
    for sale_id in sale_ids:
        await prepare_room(pool, room, sale_id)
    return sale_ids


async def join_queue(
    pool: asyncpg.Pool, room: WaitingRoom, sale_id: int, family_id: int, account_id: int
) -> QueueStanding:
    """Take the family's place in line; a family awaiting staff approval cannot, nor an
    account with its email unconfirmed, nor a family with a child another family already
    holds in this sale (one family, one chance)."""
    await require_may_join_queue(pool, family_id, account_id)
    await claim_children(pool, sale_id, family_id)
    return await room.standing(sale_id, family_id, join=True)


async def open_sale(pool: asyncpg.Pool, room: WaitingRoom, sale_id: int) -> Draw:
    """Open now: draw the pre-queue with a fresh seed, then record seed and order."""
    await prepare_room(pool, room, sale_id)
    seed = secrets.token_hex(16)
    draw = await room.open(sale_id, seed)
    opened_at = dt.datetime.fromtimestamp(draw.opened_ms / 1000, tz=dt.UTC)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(query("insert_queue_draw"), sale_id, seed, opened_at, draw.families)
        await conn.execute(query("set_sale_status"), sale_id, "open")
    return draw


async def _require_sale(pool: asyncpg.Pool, sale_id: int) -> None:
    if await pool.fetchval(query("sale_status"), sale_id) is None:
        raise UnknownSale(sale_id)


async def pause_sale(pool: asyncpg.Pool, room: WaitingRoom, sale_id: int) -> None:
    await _require_sale(pool, sale_id)
    await room.pause(sale_id)
    await pool.execute(query("set_sale_status"), sale_id, "paused")


async def resume_sale(pool: asyncpg.Pool, room: WaitingRoom, sale_id: int) -> None:
    await _require_sale(pool, sale_id)
    await room.resume(sale_id)
    await pool.execute(query("set_sale_status"), sale_id, "open")


async def close_sale(pool: asyncpg.Pool, room: WaitingRoom, sale_id: int) -> None:
    await _require_sale(pool, sale_id)
    await room.close(sale_id)
    await pool.execute(query("set_sale_status"), sale_id, "closed")


async def set_pace(
    pool: asyncpg.Pool,
    room: WaitingRoom,
    sale_id: int,
    *,
    rate_per_min: int | None = None,
    max_shoppers: int | None = None,
) -> None:
    """Change admissions per minute and/or the cap on families shopping at once, live."""
    await _require_sale(pool, sale_id)
    await pool.execute(query("set_sale_pace"), sale_id, rate_per_min, max_shoppers)
    await room.configure(sale_id, rate_per_min=rate_per_min, max_shoppers=max_shoppers)


async def copy_admissions_to_postgres(pool: asyncpg.Pool, room: WaitingRoom, sale_id: int) -> int:
    """Copy admissions logged in Redis into Postgres, then trim them; safe to run twice."""
    copied = 0
    last = await pool.fetchval(query("last_copied_admission"), sale_id) or "0-0"
    while batch := await room.admissions_after(sale_id, last):
        rows = [
            (
                sale_id,
                r.ticket,
                r.family_id,
                dt.datetime.fromtimestamp(r.admitted_ms / 1000, dt.UTC),
            )
            for r in batch
        ]
        async with pool.acquire() as conn, conn.transaction():
            await conn.executemany(query("insert_admission"), rows)
            await conn.execute(query("set_last_copied_admission"), sale_id, batch[-1].entry_id)
        await room.trim_admissions(sale_id, batch[-1].entry_id)
        last = batch[-1].entry_id
        copied += len(batch)
    return copied
