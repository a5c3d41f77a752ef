"""Builds small catalogues and paid places directly in Postgres for tests."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import asyncpg

from rush.holds import HoldEngine
from rush.reconcile import reconcile_program


async def truncate_all(pool: asyncpg.Pool) -> None:
    """Empty every application table, keeping the migration record."""
    tables = await pool.fetch(
        "SELECT tablename FROM pg_tables"
        " WHERE schemaname = 'public' AND tablename <> 'schema_migration'"
    )
    names = ", ".join(f'"{t["tablename"]}"' for t in tables)
    await pool.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@dataclass(frozen=True)
class TestProgram:
    __test__ = False
    id: int
    sale_id: int
    group_ids: list[int]


class CatalogueFactory:
    def __init__(self, pool: asyncpg.Pool, engine: HoldEngine) -> None:
        self.pool = pool
        self.engine = engine

    async def program(self, capacities: Sequence[int], price_cents: int = 1000) -> TestProgram:
        """A program with one group per capacity, known to the engine."""
        async with self.pool.acquire() as conn, conn.transaction():
            season_id = await conn.fetchval(
                "INSERT INTO season (name_fr, name_en, starts_on, ends_on, age_reference_date)"
                " VALUES ('Été', 'Summer', '2027-06-21', '2027-08-13', '2027-09-30') RETURNING id"
            )
            sale_id = await conn.fetchval(
                "INSERT INTO sale (season_id, name_fr, name_en, opens_at)"
                " VALUES ($1, 'Vente', 'Sale', now()) RETURNING id",
                season_id,
            )
            program_id = await conn.fetchval(
                "INSERT INTO program (season_id, sale_id, kind, name_fr, name_en)"
                " VALUES ($1, $2, 'sport', 'Programme', 'Program') RETURNING id",
                season_id,
                sale_id,
            )
            group_ids = [
                await conn.fetchval(
                    "INSERT INTO activity_group"
                    " (program_id, name_fr, name_en, capacity, price_cents)"
                    " VALUES ($1, $2, $2, $3, $4) RETURNING id",
                    program_id,
                    f"Groupe {n}",
                    capacity,
                    price_cents,
                )
                for n, capacity in enumerate(capacities, start=1)
            ]
        await reconcile_program(self.pool, self.engine, program_id)
        return TestProgram(program_id, sale_id, group_ids)

    async def record_paid_hold(
        self, program: TestProgram, hold_id: str, items: Mapping[int, int]
    ) -> uuid.UUID:
        """Write a paid order for a hold's places: one new child per place, as finalize will."""
        order_id = uuid.uuid4()
        async with self.pool.acquire() as conn, conn.transaction():
            family_id = await conn.fetchval("INSERT INTO family DEFAULT VALUES RETURNING id")
            await conn.execute(
                "INSERT INTO orders (id, family_id, sale_id, status, paid_at)"
                " VALUES ($1, $2, $3, 'paid', now())",
                order_id,
                family_id,
                program.sale_id,
            )
            for group_id, qty in items.items():
                for _ in range(qty):
                    person_id = await conn.fetchval(
                        "INSERT INTO person (family_id, role, first_name, last_name)"
                        " VALUES ($1, 'child', 'Enfant', 'Test') RETURNING id",
                        family_id,
                    )
                    line_id = await conn.fetchval(
                        "INSERT INTO order_line"
                        " (order_id, person_id, group_id, program_id, hold_id, price_cents)"
                        " VALUES ($1, $2, $3, $4, $5, 0) RETURNING id",
                        order_id,
                        person_id,
                        group_id,
                        program.id,
                        hold_id,
                    )
                    await conn.execute(
                        "INSERT INTO registration (order_line_id, person_id, group_id)"
                        " VALUES ($1, $2, $3)",
                        line_id,
                        person_id,
                        group_id,
                    )
        return order_id
