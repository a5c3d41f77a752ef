"""The sales a family sees announced on every page, with the state that decides what to do next.

Every page shows where registration stands (opening soon, open, paused, closed with its
waitlists) and the one action that fits, so a parent never has to type an address. Each web
process reads the list at most once a second, however many pages it serves.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import asyncpg
import msgspec

from rush.db import query
from rush.fresh_readings import FreshReadings

__all__ = ["SALES_ON_SHOW_MAX_AGE_S", "SaleOnShow", "SalesOnShow", "sales_on_show"]

SALES_ON_SHOW_MAX_AGE_S = 1.0
"""How late a page may learn that a sale opened: the waiting room itself is always live."""


class SaleOnShow(msgspec.Struct, frozen=True):
    id: int
    name_fr: str
    name_en: str
    opens_at: dt.datetime
    status: str
    """scheduled, open, paused, or closed (still shown while its season runs: waitlists)."""

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_fr


async def sales_on_show(pool: asyncpg.Pool) -> list[SaleOnShow]:
    """Sales not closed, and closed ones whose season has not ended, soonest opening first."""
    return [
        SaleOnShow(r["id"], r["name_fr"], r["name_en"], r["opens_at"], r["status"])
        for r in await pool.fetch(query("sales_on_show"))
    ]


class SalesOnShow(FreshReadings[None, list[SaleOnShow]]):
    """`sales_on_show`, read at most every `max_age_s` per process."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        max_age_s: float = SALES_ON_SHOW_MAX_AGE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        async def read(_: None) -> list[SaleOnShow]:
            return await sales_on_show(pool)

        super().__init__(read, max_age_s, clock=clock)
