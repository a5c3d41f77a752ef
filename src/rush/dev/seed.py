"""Seeds the demo season once; a database that already has a season is left as it is."""

from __future__ import annotations

from importlib import resources

import asyncpg

__all__ = ["seed_demo_season"]


async def seed_demo_season(conn: asyncpg.Connection) -> bool:
    """Insert the demo season unless one exists; returns whether it seeded."""
    if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM season)"):
        return False
    sql = (resources.files("rush") / "sql" / "seeds" / "demo_season.sql").read_text()
    async with conn.transaction():
        await conn.execute(sql)
    return True
