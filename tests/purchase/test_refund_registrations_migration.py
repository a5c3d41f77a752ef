"""Migration 0015 names the registrations of the refunds made before it, so "Mon dossier"
shows what an older refund paid back."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from rush.db import apply_migrations
from rush.dev.servers import ServerUrls

BEFORE = "0014_policies"
MIGRATION = "0015_refund_registrations"


@pytest.fixture
async def before_0015(
    migrated: ServerUrls,
) -> AsyncIterator[tuple[asyncpg.Connection, asyncpg.Pool]]:
    """A database of its own, migrated up to 0014, dropped afterwards."""
    name = f"upgrade_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(migrated.database_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    conn = await asyncpg.connect(migrated.database_url, database=name)
    pool = await asyncpg.create_pool(migrated.database_url, database=name, min_size=1, max_size=2)
    try:
        await apply_migrations(conn, up_to=BEFORE)
        yield conn, pool
    finally:
        await pool.close()
        await conn.close()
        await admin.execute(f'DROP DATABASE "{name}"')
        await admin.close()


async def paid_order_of_three_places(pool: asyncpg.Pool) -> tuple[uuid.UUID, uuid.UUID, list[int]]:
    """An order paying three places with one payment: (order, payment, registrations)."""
    season = await pool.fetchval(
        "INSERT INTO season (name_fr, name_en, starts_on, ends_on, age_reference_date)"
        " VALUES ('Été', 'Summer', '2027-06-21', '2027-08-13', '2027-09-30') RETURNING id"
    )
    sale = await pool.fetchval(
        "INSERT INTO sale (season_id, name_fr, name_en, opens_at, status)"
        " VALUES ($1, 'Vente', 'Sale', now(), 'open') RETURNING id",
        season,
    )
    program = await pool.fetchval(
        "INSERT INTO program (season_id, sale_id, kind, name_fr, name_en)"
        " VALUES ($1, $2, 'day_camp', 'Camp', 'Camp') RETURNING id",
        season,
        sale,
    )
    family = await pool.fetchval("INSERT INTO family DEFAULT VALUES RETURNING id")
    order_id, payment_id = uuid.uuid4(), uuid.uuid4()
    await pool.execute(
        "INSERT INTO orders (id, family_id, sale_id, status, paid_at)"
        " VALUES ($1, $2, $3, 'paid', now())",
        order_id,
        family,
        sale,
    )
    await pool.execute(
        "INSERT INTO payment (id, order_id, instalment, amount_cents, due_on, status,"
        " provider_ref, succeeded_at) VALUES ($1, $2, 1, 28500, now(), 'succeeded', 'simpay_x',"
        " now())",
        payment_id,
        order_id,
    )
    registrations = []
    for week in (1, 2, 3):
        group = await pool.fetchval(
            "INSERT INTO activity_group (program_id, name_fr, name_en, capacity, price_cents)"
            " VALUES ($1, $2, $2, 5, 9500) RETURNING id",
            program,
            f"Semaine {week}",
        )
        person = await pool.fetchval(
            "INSERT INTO person (family_id, role, first_name, last_name)"
            " VALUES ($1, 'child', 'Enfant', 'Test') RETURNING id",
            family,
        )
        line = await pool.fetchval(
            "INSERT INTO order_line (order_id, person_id, group_id, program_id, hold_id,"
            " price_cents) VALUES ($1, $2, $3, $4, 'h', 9500) RETURNING id",
            order_id,
            person,
            group,
            program,
        )
        registrations.append(
            await pool.fetchval(
                "INSERT INTO registration (order_line_id, person_id, group_id)"
                " VALUES ($1, $2, $3) RETURNING id",
                line,
                person,
                group,
            )
        )
    return order_id, payment_id, registrations


async def cancel_with_refund(
    pool: asyncpg.Pool, order_id: uuid.UUID, payment_id: uuid.UUID, ids: list[int], cents: int
) -> None:
    """What a cancellation before 0015 wrote: the places and their refund in one transaction."""
    staff = await pool.fetchval(
        "INSERT INTO account (email, password_hash, role) VALUES ($1, 'x', 'admin')"
        " ON CONFLICT (email) DO UPDATE SET role = 'admin' RETURNING id",
        "admin@ville.qc.ca",
    )
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "UPDATE registration SET status = 'cancelled', cancelled_at = now()"
            " WHERE id = ANY($1::bigint[])",
            ids,
        )
        await conn.execute(
            "INSERT INTO refund (order_id, payment_id, amount_cents, account_id)"
            " VALUES ($1, $2, $3, $4)",
            order_id,
            payment_id,
            cents,
            staff,
        )


async def test_each_older_refund_names_the_registrations_cancelled_with_it(
    before_0015: tuple[asyncpg.Connection, asyncpg.Pool],
) -> None:
    conn, pool = before_0015
    order_id, payment_id, (first, second, third) = await paid_order_of_three_places(pool)
    await cancel_with_refund(pool, order_id, payment_id, [second, first], 19000)
    await cancel_with_refund(pool, order_id, payment_id, [third], 2000)

    assert await apply_migrations(conn, up_to=MIGRATION) == [MIGRATION]

    refunds = await pool.fetch("SELECT amount_cents, registration_ids FROM refund ORDER BY id")
    assert [(r["amount_cents"], r["registration_ids"]) for r in refunds] == [
        (19000, [first, second]),
        (2000, [third]),
    ]
