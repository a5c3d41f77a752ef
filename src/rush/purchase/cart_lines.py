"""A cart's lines as Postgres keeps them and as the staged copy in Redis repeats them."""

from __future__ import annotations

import json
import uuid

import asyncpg
import msgspec

from rush.db import Executor, query

__all__ = ["CartLine", "cart_line", "cart_lines"]


class CartLine(msgspec.Struct, frozen=True):
    item_id: int
    program_id: int
    person_id: int
    group_id: int
    price_cents: int
    options: dict[str, str]
    previous_price_cents: int | None = None
    """The price the line was prepared at, when staff changed it before the hold."""
    week_group_id: int | None = None
    """For a daycare slot: its camp week, which the same child must have."""


async def cart_lines(conn: Executor, cart_id: uuid.UUID) -> list[CartLine]:
    """The items of a cart, oldest first."""
    return [cart_line(r) for r in await conn.fetch(query("cart_items"), cart_id)]


def cart_line(row: asyncpg.Record) -> CartLine:
    return CartLine(
        item_id=row["id"],
        program_id=row["program_id"],
        person_id=row["person_id"],
        group_id=row["group_id"],
        price_cents=row["price_cents"],
        options=json.loads(row["options"]),
        previous_price_cents=row["previous_price_cents"],
        week_group_id=row.get("daycare_for_group_id"),
    )
