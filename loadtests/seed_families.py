"""Put a trace's families straight into Postgres, ready to log in and join the queue.

Signing 10,000 families up through the API would spend minutes in argon2 alone; here each
distinct password is hashed once and every table is filled by a few array statements per
batch. Each family gets what `join_queue` and the readiness check ask for: an approved family,
an account with its email confirmed, an adult who is the Relevé 24 payer, an address, and for
each child a health sheet and an emergency contact.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

import asyncpg

from loadtests.queries import query
from loadtests.traces import FamilyPlan, GroupInfo, Trace, read_trace
from rush.config import Settings, load_settings
from rush.crypto import FieldCipher
from rush.db import Executor, create_pool
from rush.dev.servers import running_servers
from rush.families.accounts import hash_password

__all__ = [
    "load_catalogue",
    "load_catalogue_from_settings",
    "seed_trace_families",
    "seed_trace_file",
]

T = TypeVar("T")

_BATCH = 2000
# A valid SIN (it passes the Luhn check) that the Government of Canada uses in its examples.
_SAMPLE_SIN = "046454286"


async def load_catalogue(pool: asyncpg.Pool, sale_id: int) -> list[GroupInfo]:
    """The sale's groups as `generate_trace` wants them."""
    rows = await pool.fetch(query("catalogue"), sale_id)
    return [GroupInfo(**dict(row.items())) for row in rows]


async def seed_trace_families(
    pool: asyncpg.Pool, trace: Trace, cipher: FieldCipher | None = None
) -> None:
    """Insert every family of the trace whose email has no account yet.

    `cipher` encrypts the payer's SIN; by default the one of the environment's secret key, so
    the app that serves the families can read it back.
    """
    cipher = cipher or FieldCipher(load_settings().encryption_key_list)
    sin = cipher.encrypt(_SAMPLE_SIN)
    hashes = _password_hashes(trace.families)
    for start in range(0, len(trace.families), _BATCH):
        batch = trace.families[start : start + _BATCH]
        async with pool.acquire() as conn, conn.transaction():
            await _seed_batch(conn, batch, hashes, sin)


def _password_hashes(plans: Sequence[FamilyPlan]) -> dict[str, str]:
    return {password: hash_password(password) for password in {p.password for p in plans}}


async def _seed_batch(
    conn: Executor, plans: Sequence[FamilyPlan], hashes: dict[str, str], sin: bytes
) -> None:
    taken = {
        r["email"] for r in await conn.fetch(query("existing_accounts"), [p.email for p in plans])
    }
    plans = [p for p in plans if p.email not in taken]
    if not plans:
        return
    accounts = await conn.fetch(
        query("insert_families"), [p.email for p in plans], [hashes[p.password] for p in plans]
    )
    family_of = {r["email"]: r["family_id"] for r in accounts}
    rows: list[tuple[int, str, str, str, object]] = []
    for plan in plans:
        family_id = family_of[plan.email]
        rows.append((family_id, "adult", "Parent", plan.last_name, None))
        rows.extend(
            (family_id, "child", c.first_name, plan.last_name, c.birth_date) for c in plan.children
        )
    persons = await conn.fetch(
        query("insert_persons"), *(list(column) for column in zip(*rows, strict=True))
    )
    adults = {r["family_id"]: r["id"] for r in persons if r["role"] == "adult"}
    await conn.execute(
        query("insert_family_files"), list(adults), list(adults.values()), sin, _SAMPLE_SIN[-3:]
    )
    await conn.execute(
        query("insert_child_files"), [r["id"] for r in persons if r["role"] == "child"]
    )


# -- for the command line: servers from the environment, as `rush migrate` finds them --------------


async def _on_servers(work: Callable[[asyncpg.Pool, Settings], Awaitable[T]]) -> T:
    settings = load_settings()
    with running_servers(settings.database_url, settings.redis_url, settings.data_dir) as urls:
        pool = await create_pool(
            urls.database_url, min_size=1, max_size=2, pooler=settings.database_pooler
        )
        try:
            return await work(pool, settings)
        finally:
            await pool.close()


def load_catalogue_from_settings(sale_id: int) -> list[GroupInfo]:
    """The catalogue of `sale_id` in the database of `DATABASE_URL` or of the data dir."""
    catalogue = asyncio.run(_on_servers(lambda pool, _: load_catalogue(pool, sale_id)))
    if not catalogue:
        raise SystemExit(f"sale {sale_id} has no group")
    return catalogue


def seed_trace_file(path: Path) -> int:
    """Seed the families of the trace at `path`; returns how many families it holds."""
    trace = read_trace(path)

    async def seed(pool: asyncpg.Pool, settings: Settings) -> None:
        await seed_trace_families(pool, trace, FieldCipher(settings.encryption_key_list))

    asyncio.run(_on_servers(seed))
    return len(trace.families)
