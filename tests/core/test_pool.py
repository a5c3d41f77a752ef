"""Rush's Postgres pool hands a connection back without asyncpg's session reset (one round
trip less per request: Rush keeps no session state), yet never with a transaction left open."""

from __future__ import annotations

from rush.db import create_pool
from rush.dev.servers import ServerUrls


async def test_a_released_connection_keeps_no_open_transaction(migrated: ServerUrls) -> None:
    pool = await create_pool(migrated.database_url, min_size=1, max_size=1)
    try:
        conn = await pool.acquire()
        transaction = conn.transaction()
        await transaction.start()
        await conn.execute("CREATE TEMPORARY TABLE left_open (n int)")
        await pool.release(conn)  # the caller forgot to commit: asyncpg rolls back
        async with pool.acquire() as again:
            assert again.is_in_transaction() is False
            assert await again.fetchval("SELECT to_regclass('pg_temp.left_open')") is None
    finally:
        await pool.close()


async def test_a_released_connection_skips_the_session_reset(migrated: ServerUrls) -> None:
    pool = await create_pool(migrated.database_url, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            await conn.execute("SET application_name = 'rush-no-reset'")
        async with pool.acquire() as conn:  # the same backend: max_size=1
            # asyncpg's default reset would have run RESET ALL, one more round trip.
            assert await conn.fetchval("SHOW application_name") == "rush-no-reset"
    finally:
        await pool.close()
