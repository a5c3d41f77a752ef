"""The record of what staff did, by whom and when."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import msgspec

from rush.db import query

__all__ = ["StaffAction", "log_staff_action", "staff_actions"]


class StaffAction(msgspec.Struct, frozen=True):
    at: dt.datetime
    staff: str
    action: str
    details: dict[str, Any]


async def log_staff_action(
    pool: asyncpg.Pool, account_id: int, action: str, sale_id: int | None, **details: Any
) -> None:
    await pool.execute(
        query("staff_action_insert"),
        account_id,
        action,
        sale_id,
        msgspec.json.encode(details).decode(),
    )


async def staff_actions(pool: asyncpg.Pool, sale_id: int, limit: int = 50) -> list[StaffAction]:
    rows = await pool.fetch(query("staff_actions_of_sale"), sale_id, limit)
    return [
        StaffAction(r["at"], r["staff"], r["action"], msgspec.json.decode(r["details"]))
        for r in rows
    ]
