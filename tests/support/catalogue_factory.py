"""Builds small catalogues and paid places directly in Postgres for tests."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import asyncpg

from rush.crypto import FieldCipher
from rush.engine.holds import HoldEngine
from rush.engine.reconcile import reconcile_program
from rush.families.accounts import confirm_email, create_family_account
from rush.families.family_file_storage import add_child
from rush.families.family_file_types import ChildDetails

TEST_SIGNING_KEY = "tests-signing-key-used-for-nothing-else"
TEST_ENCRYPTION_KEY = "ASzGYyGFha_kRrBYMgLomnceHzhpaLvIMNBIANlA328="
"""The tests' settings' keys: one signs tokens, the other encrypts the family file's secrets."""


_SEQUENCES_MOVED = """
SELECT DISTINCT t.relname
  FROM pg_class s
  JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
                  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
  JOIN pg_class t ON t.oid = d.refobjid
  JOIN pg_namespace n ON n.oid = t.relnamespace
 WHERE n.nspname = 'public' AND t.relname <> 'schema_migration'
   AND CASE WHEN s.relkind = 'S' THEN pg_sequence_last_value(s.oid) IS NOT NULL END
"""
"""Tables whose serial or identity sequence gave a value since it last restarted."""


async def truncate_all(pool: asyncpg.Pool) -> None:
    """Empty every application table and restart its ids, keeping the migration record.

    Only the tables the last test wrote to (rows left, or ids taken) are truncated: a
    TRUNCATE of every table cost more than most tests."""
    tables = [
        t["tablename"]
        for t in await pool.fetch(
            "SELECT tablename FROM pg_tables"
            " WHERE schemaname = 'public' AND tablename <> 'schema_migration'"
        )
    ]
    with_rows = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in tables
    )
    written = {r[0] for r in await pool.fetch(with_rows)} if tables else set()
    written |= {r[0] for r in await pool.fetch(_SEQUENCES_MOVED)}
    if written:
        names = ", ".join(f'"{name}"' for name in sorted(written))
        await pool.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@dataclass(frozen=True)
class TestProgram:
    __test__ = False
    id: int
    sale_id: int
    group_ids: list[int]
    daycare_ids: list[int]


@dataclass(frozen=True)
class TestFamily:
    __test__ = False
    id: int
    account_id: int
    child_ids: list[int]


class CatalogueFactory:
    def __init__(self, pool: asyncpg.Pool, engine: HoldEngine) -> None:
        self.pool = pool
        self.engine = engine
        self.cipher = FieldCipher([TEST_ENCRYPTION_KEY], lookup_key=TEST_SIGNING_KEY)

    async def sale(self, status: str = "open") -> int:
        """A season and a sale in it, in the given status."""
        async with self.pool.acquire() as conn, conn.transaction():
            season_id = await conn.fetchval(
                "INSERT INTO season (name_fr, name_en, starts_on, ends_on, age_reference_date)"
                " VALUES ('Été', 'Summer', '2027-06-21', '2027-08-13', '2027-09-30') RETURNING id"
            )
            sale_id: int = await conn.fetchval(
                "INSERT INTO sale (season_id, name_fr, name_en, opens_at, status)"
                " VALUES ($1, 'Vente', 'Sale', now(), $2) RETURNING id",
                season_id,
                status,
            )
        return sale_id

    async def program(
        self,
        capacities: Sequence[int],
        price_cents: int = 1000,
        *,
        sale_id: int | None = None,
        ages: tuple[int | None, int | None] = (None, None),
        daycare_capacities: Sequence[int] = (),
    ) -> TestProgram:
        """A program with one group per capacity (and daycare slots linked to the first
        groups), known to the engine."""
        sale_id = sale_id or await self.sale()
        async with self.pool.acquire() as conn, conn.transaction():
            season_id = await conn.fetchval("SELECT season_id FROM sale WHERE id = $1", sale_id)
            program_id = await conn.fetchval(
                "INSERT INTO program (season_id, sale_id, kind, name_fr, name_en)"
                " VALUES ($1, $2, 'day_camp', 'Programme', 'Program') RETURNING id",
                season_id,
                sale_id,
            )
            insert = (
                "INSERT INTO activity_group (program_id, name_fr, name_en, capacity, price_cents,"
                " age_min, age_max, daycare_for_group_id)"
                " VALUES ($1, $2, $2, $3, $4, $5, $6, $7) RETURNING id"
            )
            group_ids = [
                await conn.fetchval(
                    insert, program_id, f"Groupe {n}", capacity, price_cents, *ages, None
                )
                for n, capacity in enumerate(capacities, start=1)
            ]
            daycare_ids = [
                await conn.fetchval(
                    insert, program_id, f"Garde {n}", capacity, 300, *ages, group_ids[n]
                )
                for n, capacity in enumerate(daycare_capacities)
            ]
        await reconcile_program(self.pool, self.engine, program_id)
        return TestProgram(program_id, sale_id, group_ids, daycare_ids)

    async def family(self, children: Sequence[dt.date] = ()) -> TestFamily:
        """A family account, its email confirmed, with one adult and children born on the
        given dates."""
        account = await create_family_account(
            self.pool,
            email=f"parent{uuid.uuid4().hex[:10]}@example.ca",
            password="correct horse battery staple",
            first_name="Parent",
            last_name="Tremblay",
        )
        assert account.family_id is not None
        await confirm_email(self.pool, account.id)
        kids = [
            await add_child(
                self.pool,
                self.cipher,
                account.family_id,
                ChildDetails(first_name=f"Enfant{n}", last_name="Tremblay", birth_date=born),
            )
            for n, born in enumerate(children, start=1)
        ]
        return TestFamily(account.family_id, account.id, kids)

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
