"""Migration 0012 keeps the simulator's refunds when a database made before it is upgraded."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from rush.db import apply_migrations
from rush.dev.servers import ServerUrls
from rush.purchase.payments import SimulatedProvider

INSERT_PAYMENT = """
INSERT INTO sim_provider_payment (id, payment_id, idempotency_key, amount_cents, description,
                                  return_url, status, completed_at, refunded_at,
                                  refund_idempotency_key, refunded_cents)
VALUES ($1, $2, $1, 12500, 'Camp', 'http://rush.test', $3, now(),
        CASE WHEN $4::int IS NULL THEN NULL ELSE now() END,
        CASE WHEN $4::int IS NULL THEN NULL ELSE 'refund:' || $1 END, $4)
"""


@pytest.fixture
async def before_0012(
    migrated: ServerUrls,
) -> AsyncIterator[tuple[asyncpg.Connection, asyncpg.Pool]]:
    """A database of its own, migrated up to 0011, dropped afterwards."""
    name = f"upgrade_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(migrated.database_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    conn = await asyncpg.connect(migrated.database_url, database=name)
    pool = await asyncpg.create_pool(migrated.database_url, database=name, min_size=1, max_size=2)
    try:
        await apply_migrations(conn, up_to="0011_cart_for_hold")
        yield conn, pool
    finally:
        await pool.close()
        await conn.close()
        await admin.execute(f'DROP DATABASE "{name}"')
        await admin.close()


async def test_refunds_made_before_0012_are_kept_and_a_partly_refunded_payment_can_go_on(
    before_0012: tuple[asyncpg.Connection, asyncpg.Pool],
) -> None:
    conn, pool = before_0012
    rows: list[tuple[str, str, int | None]] = [
        ("simpay_partly", "refunded", 2000),
        ("simpay_fully", "refunded", 12500),
        ("simpay_never", "succeeded", None),
    ]
    for ref, status, refunded in rows:
        await pool.execute(INSERT_PAYMENT, ref, uuid.uuid4(), status, refunded)

    assert await apply_migrations(conn, up_to="0012_partial_refunds") == ["0012_partial_refunds"]

    payments = await pool.fetch(
        "SELECT id, status, refunded_cents FROM sim_provider_payment ORDER BY id"
    )
    assert [tuple(r) for r in payments] == [
        ("simpay_fully", "refunded", 12500),
        ("simpay_never", "succeeded", 0),
        ("simpay_partly", "succeeded", 2000),
    ]
    refunds = await pool.fetch(
        "SELECT id, payment_ref, idempotency_key, amount_cents FROM sim_provider_refund ORDER BY id"
    )
    assert [tuple(r) for r in refunds] == [
        ("simre_fully", "simpay_fully", "refund:simpay_fully", 12500),
        ("simre_partly", "simpay_partly", "refund:simpay_partly", 2000),
    ]
    await apply_migrations(conn)  # today's provider, on the rest of the upgraded schema
    provider = SimulatedProvider(pool, "whsec", "http://rush.test")
    await provider.refund("simpay_partly", 10500, "the-other-week")
    partly = await provider.payment("simpay_partly")
    assert partly is not None
    assert (partly.status, partly.refunded_cents) == ("refunded", 12500)
