"""Bringing a database and Redis to a ready state: migrate, optionally seed, reconcile."""

from __future__ import annotations

from rush.db import apply_migrations, connect, create_pool, query
from rush.dev.seed import seed_demo_season
from rush.engine.holds import HoldEngine
from rush.engine.reconcile import ProgramDrift, reconcile_all
from rush.families.accounts import create_staff_account
from rush.redis_clients import open_engine_redis
from rush.room.sales import prepare_rooms
from rush.room.waiting_room import WaitingRoom

__all__ = ["DEMO_ADMIN_EMAIL", "DEMO_ADMIN_PASSWORD", "prepare"]

DEMO_ADMIN_EMAIL = "admin@rush.local"
DEMO_ADMIN_PASSWORD = "rush-demo-admin"  # demo data only; printed by `rush demo`


async def prepare(
    database_url: str,
    redis_url: str,
    seed: bool,
    demo_admin: bool = False,
    *,
    pooler: str = "none",
) -> tuple[list[str], bool, list[ProgramDrift]]:
    """Migrate, seed when asked, then rebuild Redis from Postgres and open waiting rooms.

    Only `rush demo` asks for the demo admin: its password is published, so anywhere else
    staff are created by `rush staff add`."""
    conn = await connect(database_url, pooler=pooler)
    try:
        applied = await apply_migrations(conn)
        seeded = await seed_demo_season(conn) if seed else False
    finally:
        await conn.close()
    pool = await create_pool(database_url, min_size=1, max_size=2, pooler=pooler)
    redis = open_engine_redis(redis_url, max_connections=8)
    try:
        drifts = await reconcile_all(pool, HoldEngine(redis))
        await prepare_rooms(pool, WaitingRoom(redis))
        if demo_admin and not await pool.fetchval(query("account_exists"), DEMO_ADMIN_EMAIL):
            await create_staff_account(
                pool, email=DEMO_ADMIN_EMAIL, password=DEMO_ADMIN_PASSWORD, role="admin"
            )
    finally:
        await redis.aclose()
        await pool.close()
    return applied, seeded, drifts
