"""Paid orders whose finalize never ran to the end, found from Postgres alone.

The webhook records the payment in Postgres, then queues `finalize_order` in Redis. A Redis
that comes back without its last writes loses such jobs, and the payment would then sit
there: charged, never registered. Postgres still knows, so a worker cron asks this module
for those orders and queues their finalize again (finalize is idempotent).
"""

from __future__ import annotations

import uuid

import asyncpg

from rush.db import query

__all__ = ["orders_to_refinalize"]


async def orders_to_refinalize(
    pool: asyncpg.Pool, grace_seconds: int = 30, limit: int = 500
) -> list[uuid.UUID]:
    """Orders paid at the provider more than `grace_seconds` ago that finalize did not settle:
    not yet paid, or paid without their confirmation email."""
    rows = await pool.fetch(query("orders_to_refinalize"), grace_seconds, limit)
    return [r["id"] for r in rows]
