"""Families for the hold ceiling phase: one cart each, so no two users wait on one cart's lock.

After the rush most groups are full and few families left a held cart behind, so the phase
would measure users queuing on a handful of cart rows. Instead the benchmark opens a group of
its own in the sale's first program, with a place per user, and gives as many families of the
trace (those without an open cart) a draft of one child in it; they are admitted again and
their hold is the phase's request, replacing their own hold so it always fits.
"""

from __future__ import annotations

import asyncpg

from loadtests.queries import query
from rush.catalogue.fields import GroupFields
from rush.catalogue.group_admin import create_group
from rush.engine.holds import HoldEngine
from rush.families.accounts import create_staff_account

__all__ = ["prepare_holders"]


async def prepare_holders(
    pool: asyncpg.Pool, engine: HoldEngine, sale_id: int, emails: list[str], count: int
) -> list[str]:
    """Emails of up to `count` families whose draft cart holds one place of the new group."""
    program_id = await pool.fetchval(query("bench_first_program"), sale_id)
    staff = await create_staff_account(
        pool, email="bench-admin@rush.invalid", password="bench admin password", role="admin"
    )
    group = await create_group(
        pool,
        engine,
        staff.id,
        GroupFields(
            program_id=program_id,
            name_fr="Groupe du banc d'essai",
            name_en="Benchmark group",
            capacity=count,
            price_cents=1000,
        ),
    )
    rows = await pool.fetch(query("bench_holder_carts"), sale_id, group.id, count, emails)
    return [r["email"] for r in rows]
