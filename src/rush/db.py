"""asyncpg pool, the named queries of the rush package, and the migration runner.

Queries live in `<module>.sql` files beside their module (see `rush.named_queries`).
Migrations are plain SQL files applied in name order, each in its own transaction, and
recorded in `schema_migration`; a transaction-level advisory lock lets several processes start
at once, even through a transaction pooler (PgBouncer) that moves sessions between backends.
"""

from __future__ import annotations

from importlib import resources
from typing import Any, TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from rush.config import DATABASE_POOLERS
from rush.named_queries import NamedQueries, QueryFileError, UnknownQuery

__all__ = [
    "RUSH_QUERIES",
    "Executor",
    "NamedQueries",
    "QueryFileError",
    "UnknownQuery",
    "apply_migrations",
    "connect",
    "create_pool",
    "inserted",
    "query",
]

_MIGRATION_LOCK = 7_413_001

RUSH_QUERIES = NamedQueries(
    resources.files("rush"), book="rush", skip=("sql/migrations", "sql/seeds")
)
"""Every `-- name:` block of the package's `.sql` files; migrations and the seed are scripts."""


def query(name: str) -> str:
    """The SQL of the named query `name`, wherever in the package it is defined; read once."""
    return RUSH_QUERIES(name)


Executor: TypeAlias = "asyncpg.Connection | asyncpg.Pool | PoolConnectionProxy"
"""Anything that runs a query: a pool, a connection, or a connection borrowed from a pool."""


async def inserted(conn: Executor, name: str, *args: object) -> asyncpg.Record:
    """Run a named INSERT ... RETURNING query, which always returns its one row."""
    row = await conn.fetchrow(query(name), *args)
    if row is None:
        raise RuntimeError(f"query {name!r} returned no row")
    return row


def _connection_options(pooler: str) -> dict[str, Any]:
    """Behind a transaction pooler each transaction may land on another backend, so no named
    prepared statement may outlive it: two clients numbering their statements alike would run
    each other's SQL. asyncpg then uses unnamed statements, parsed again at each execution."""
    if pooler not in DATABASE_POOLERS:
        raise ValueError(f"unknown database pooler {pooler!r}: expected one of {DATABASE_POOLERS}")
    return {"statement_cache_size": 0} if pooler == "pgbouncer" else {}


async def _keep_session(connection: asyncpg.Connection) -> None:
    """What a released connection runs after asyncpg's own rollback of an open transaction:
    nothing. Rush keeps no session state (no session `SET`, no session advisory lock, no
    `LISTEN`; migrations lock per transaction), so asyncpg's default reset (`RESET ALL`,
    `pg_advisory_unlock_all()`, `CLOSE ALL`, `UNLISTEN *`) was one Postgres round trip per
    request for nothing; behind a transaction pooler it would even clear the session of
    whoever holds that backend now."""


async def connect(database_url: str, *, pooler: str = "none") -> asyncpg.Connection:
    """One connection (migrations, seeding), safe behind `pooler` (see `DATABASE_POOLERS`)."""
    conn: asyncpg.Connection = await asyncpg.connect(database_url, **_connection_options(pooler))
    return conn


async def create_pool(
    database_url: str, min_size: int = 2, max_size: int = 20, *, pooler: str = "none"
) -> asyncpg.Pool:
    """The one way Rush opens a pool, safe behind `pooler` (see `DATABASE_POOLERS`)."""
    pool: asyncpg.Pool = await asyncpg.create_pool(
        database_url,
        min_size=min_size,
        max_size=max_size,
        reset=_keep_session,
        **_connection_options(pooler),
    )
    return pool


def _migrations() -> list[tuple[str, str]]:
    folder = resources.files("rush") / "sql" / "migrations"
    files = sorted(f.name for f in folder.iterdir() if f.name.endswith(".sql"))
    return [(name.removesuffix(".sql"), (folder / name).read_text()) for name in files]


async def apply_migrations(conn: asyncpg.Connection, up_to: str | None = None) -> list[str]:
    """Apply every migration not yet recorded (those up to `up_to` only, for an upgrade test);
    returns the versions applied now.

    Each migration takes the lock inside its own transaction and checks again that no other
    process applied it meanwhile: a session lock would be released on whichever backend a
    transaction pooler gives the unlock, leaving the real one locked."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
        await conn.execute(query("schema_migration"))
    applied = []
    for version, sql in _migrations():
        if up_to is not None and version > up_to:
            break
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
            if await conn.fetchval(query("schema_migration_applied"), version):
                continue
            await conn.execute(sql)
            await conn.execute(query("schema_migration_record"), version)
        applied.append(version)
    return applied
