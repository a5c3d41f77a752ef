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
from rush.errors import EmailTaken
from rush.families.accounts import create_staff_account

__all__ = ["prepare_holders"]

_BENCH_ADMIN = "bench-admin@rush.invalid"


async def _bench_admin(pool: asyncpg.Pool) -> int:
    """The staff account the benchmark's groups are created by: the calibration before the
    rush and the ceiling after it each open one."""
    try:
        staff = await create_staff_account(
            pool, email=_BENCH_ADMIN, password="bench admin password", role="admin"
        )
    except EmailTaken:
        staff_id: int = await pool.fetchval(query("bench_admin_id"), _BENCH_ADMIN)
        return staff_id
    return staff.id


async def prepare_holders(
    pool: asyncpg.Pool, engine: HoldEngine, sale_id: int, emails: list[str], count: int
) -> list[str]:
    """Emails of up to `count` families whose draft cart holds one place of the new group."""
    program_id = await pool.fetchval(query("bench_first_program"), sale_id)
    group = await create_group(
        pool,
        engine,
        await _bench_admin(pool),
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
