"""Rush through PgBouncer in transaction pooling: with `RUSH_DATABASE_POOLER=pgbouncer` no
client runs another's prepared statement or clears another's session, `rush migrate` neither
blocks nor leaves a lock behind, and a paid order finalizes."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import msgspec
import pytest

from rush.config import Settings
from rush.db import apply_migrations, connect, create_pool
from rush.dev.servers import ServerUrls
from rush.purchase.payments import SimulatedProvider
from rush.services import open_services
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.figures import record
from tests.support.paid_orders import check_out, put_in_cart
from tests.support.pgbouncer import PgBouncer, running_pgbouncer

SEVEN = dt.date(2019, 4, 1)


@pytest.fixture(scope="module")
def bouncer(migrated: ServerUrls) -> Iterator[PgBouncer]:
    with running_pgbouncer(migrated.database_url) as pooler:
        yield pooler


async def _answers(pool: asyncpg.Pool, sql: str, rounds: int) -> list[tuple[int, int]]:
    """(argument, answer) for `rounds` runs of `sql`, many at once on the pool."""

    async def one(n: int) -> tuple[int, int]:
        answer: int = await pool.fetchval(sql, n)
        return n, answer

    return list(await asyncio.gather(*(one(n) for n in range(rounds))))


async def test_two_pools_through_the_pooler_always_get_their_own_answers(
    bouncer: PgBouncer,
) -> None:
    doubling = await create_pool(bouncer.url(), min_size=4, max_size=8, pooler="pgbouncer")
    shifting = await create_pool(bouncer.url(), min_size=4, max_size=8, pooler="pgbouncer")
    try:
        for _ in range(5):
            doubled, shifted = await asyncio.gather(
                _answers(doubling, "SELECT $1::int * 2", 200),
                _answers(shifting, "SELECT $1::int + 1000", 200),
            )
            assert all(answer == n * 2 for n, answer in doubled)
            assert all(answer == n + 1000 for n, answer in shifted)
    finally:
        await doubling.close()
        await shifting.close()


async def test_releasing_a_pooled_connection_leaves_other_sessions_on_its_backend_alone(
    bouncer: PgBouncer,
) -> None:
    """asyncpg's default reset runs `pg_advisory_unlock_all()` and `RESET ALL` on whichever
    backend the pooler picks: the session of another client of the same backends."""
    other = await asyncpg.connect(bouncer.url(), statement_cache_size=0)
    rush = await create_pool(bouncer.url(), min_size=1, max_size=1, pooler="pgbouncer")
    direct = await asyncpg.connect(bouncer.direct_url)
    try:
        await other.execute("SELECT pg_advisory_lock(424242)")
        for _ in range(30):
            async with rush.acquire() as conn:
                await conn.fetchval("SELECT 1")
        held = await direct.fetchval(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 424242"
        )
    finally:
        await direct.close()
        await rush.close()
        await other.close()
        await bouncer.close_server_connections()
    assert held == 1


async def _seconds_per_query(pool: asyncpg.Pool, rounds: int) -> float:
    started = time.perf_counter()
    for n in range(rounds):
        assert await pool.fetchval("SELECT $1::int", n) == n
    return (time.perf_counter() - started) / rounds


async def test_the_pooler_costs_a_little_per_query(bouncer: PgBouncer) -> None:
    direct = await create_pool(bouncer.direct_url, min_size=1, max_size=1)
    pooled = await create_pool(bouncer.url(), min_size=1, max_size=1, pooler="pgbouncer")
    try:
        direct_s = await _seconds_per_query(direct, 500)
        pooled_s = await _seconds_per_query(pooled, 500)
    finally:
        await direct.close()
        await pooled.close()
    print(f"SELECT $1: direct {direct_s * 1e6:.0f} µs, through pgbouncer {pooled_s * 1e6:.0f} µs")
    record("pgbouncer", direct_us=round(direct_s * 1e6), pooled_us=round(pooled_s * 1e6))


async def test_migrations_through_the_pooler_run_at_once_and_leave_no_lock(
    bouncer: PgBouncer,
) -> None:
    database = "rush_pooler_migrations"
    await bouncer.fresh_database(database)
    try:
        connections = [await connect(bouncer.url(database), pooler="pgbouncer") for _ in range(3)]
        try:
            runs = await asyncio.wait_for(
                asyncio.gather(*(apply_migrations(conn) for conn in connections)), 120
            )
            again = await asyncio.wait_for(apply_migrations(connections[0]), 30)
            recorded = await connections[0].fetchval("SELECT count(*) FROM schema_migration")
            locks = await connections[0].fetchval(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
            )
        finally:
            for conn in connections:
                await conn.close()
        applied = [version for run in runs for version in run]
        assert len(applied) == len(set(applied)) == recorded > 20
        assert again == []
        assert locks == 0
    finally:
        await bouncer.drop_database(database)


async def _rush_migrate(environment: dict[str, str]) -> str:
    """`rush migrate`'s output; it must exit 0."""
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "rush"),
        "migrate",
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output = (await process.communicate())[0].decode()
    finally:
        if process.returncode is None:  # a blocked migration, given up on: leave no process
            process.kill()
            await process.wait()
    assert process.returncode == 0, output
    return output


async def test_two_rush_migrate_at_once_through_the_pooler_both_finish(
    bouncer: PgBouncer, migrated: ServerUrls
) -> None:
    database = "rush_pooler_cli_migrate"
    await bouncer.fresh_database(database)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("RUSH_")} | {
        "DATABASE_URL": bouncer.url(database),
        "REDIS_URL": migrated.redis_url,
        "RUSH_DATABASE_POOLER": "pgbouncer",
    }
    try:
        for _ in range(2):
            outputs = await asyncio.wait_for(
                asyncio.gather(*(_rush_migrate(environment) for _ in range(2))), 120
            )
        assert all("none (up to date)" in output for output in outputs), outputs
    finally:
        await bouncer.drop_database(database)


async def test_a_paid_order_finalizes_through_the_pooler(
    bouncer: PgBouncer,
    settings: Settings,
    catalogue: CatalogueFactory,
    pool: asyncpg.Pool,
) -> None:
    pooled = msgspec.structs.replace(
        settings, database_url=bouncer.url(), database_pooler="pgbouncer"
    )
    services = await open_services(pooled, pool_size=8)
    try:
        provider = SimulatedProvider(
            services.pool, settings.webhook_secret, settings.public_base_url
        )
        program = await catalogue.program([3], 9500)
        family = await catalogue.family([SEVEN, SEVEN])
        await put_in_cart(services, family.id, program.sale_id, family.child_ids, program.group_ids)
        order = await check_out(services, provider, family.id, program.sale_id)
    finally:
        await services.close()
    paid = await pool.fetchval(
        "SELECT count(*) FROM registration r JOIN order_line l ON l.id = r.order_line_id"
        " WHERE l.order_id = $1 AND r.status = 'active'",
        order.order_id,
    )
    assert paid == 2
