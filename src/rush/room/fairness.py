"""The fairness audit of a sale: anyone can check that admissions followed the draw.

The pre-queue was drawn by sorting its families by SHA1(seed ":" family); later arrivals got
the following tickets in arrival order. The check recomputes the draw from the recorded seed
and arrivals and compares it with the admission log, ticket by ticket.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import asyncpg
import msgspec

from rush.db import query

__all__ = ["FairnessReport", "draw_order", "fairness_report"]


def draw_order(seed: str, families: list[int]) -> list[int]:
    """The order the pre-queue is drawn in, recomputable by anyone holding the seed."""
    return sorted(families, key=lambda f: hashlib.sha1(f"{seed}:{f}".encode()).hexdigest())


class AdmissionRow(msgspec.Struct, frozen=True):
    ticket: int
    family_id: int
    admitted_at: dt.datetime


class FairnessReport(msgspec.Struct, frozen=True):
    sale_id: int
    seed: str | None
    drawn_families: list[int]
    admissions: list[AdmissionRow]
    draw_recomputes: bool
    """The recorded draw is exactly what the seed gives."""
    admitted_in_ticket_order: bool
    """Admission times never go backwards as tickets go up."""
    prequeue_first_in_draw_order: bool
    """The first tickets went to the drawn families, in the drawn order."""

    @property
    def fair(self) -> bool:
        return (
            self.draw_recomputes
            and self.admitted_in_ticket_order
            and self.prequeue_first_in_draw_order
        )


async def fairness_report(pool: asyncpg.Pool, sale_id: int) -> FairnessReport:
    draw = await pool.fetchrow(query("fairness_draw"), sale_id)
    rows = await pool.fetch(query("fairness_admissions"), sale_id)
    admissions = [AdmissionRow(r["ticket"], r["family_id"], r["admitted_at"]) for r in rows]
    drawn = list(draw["families"]) if draw else []
    seed = draw["seed"] if draw else None
    times = [a.admitted_at for a in admissions]
    first = [a.family_id for a in admissions[: len(drawn)]]
    return FairnessReport(
        sale_id=sale_id,
        seed=seed,
        drawn_families=drawn,
        admissions=admissions,
        draw_recomputes=seed is None or draw_order(seed, drawn) == drawn,
        admitted_in_ticket_order=times == sorted(times)
        and [a.ticket for a in admissions] == list(range(1, len(admissions) + 1)),
        prequeue_first_in_draw_order=first == drawn[: len(first)],
    )
