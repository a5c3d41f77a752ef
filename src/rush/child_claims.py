"""One family, one chance: a child is claimed by one family per sale.

A rule of both the waiting room and the cart, so it sits beside them rather than in either.

A family claims its children when it joins a sale's queue, and a child when it puts them in
its cart. A child is the same child when the first name, last name and birth date match
(trimmed, case and accents ignored, `folded_name` in SQL) or when the health insurance number
does (compared through its keyed hash). A second family claiming a child another family holds
is refused (`ChildClaimedElsewhere`) and flagged for staff, who call both families; nothing
of the refused claim is kept. The happy path is one statement on the sale's claim key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import asyncpg
import msgspec

from rush.db import query
from rush.errors import RushError, UnknownSale

__all__ = [
    "ChildClaimedElsewhere",
    "DuplicateChildFlag",
    "claim_children",
    "duplicate_child_flags",
]


class ChildClaimedElsewhere(RushError):
    """Another family already holds this child in the sale's queue or in its cart."""

    code = "child_claimed_elsewhere"
    status = 409

    def __init__(self, sale_id: int, person_ids: Sequence[int]) -> None:
        super().__init__(f"sale {sale_id}: children {list(person_ids)} are another family's")
        self.person_ids = list(person_ids)


class DuplicateChildFlag(msgspec.Struct, frozen=True, kw_only=True):
    flagged_at: dt.datetime
    sale_id: int
    sale_name_fr: str
    sale_name_en: str
    first_name: str
    last_name: str
    birth_date: dt.date | None
    family_id: int
    family_email: str | None
    holder_family_id: int
    holder_email: str | None


async def claim_children(
    pool: asyncpg.Pool, sale_id: int, family_id: int, person_ids: Sequence[int] | None = None
) -> None:
    """Claim the family's children for the sale (all of them, or only `person_ids`).

    Refused, with nothing claimed and a flag for staff, if another family holds one of them.
    """
    wanted = None if person_ids is None else list(person_ids)
    async with pool.acquire() as conn:
        claim = conn.transaction()
        await claim.start()
        try:
            taken = [
                r["person_id"]
                for r in await conn.fetch(query("claim_children"), sale_id, family_id, wanted)
            ]
        except asyncpg.ForeignKeyViolationError as exc:
            await claim.rollback()
            raise UnknownSale(sale_id) from exc
        except BaseException:
            await claim.rollback()
            raise
        if not taken:
            await claim.commit()
            return
        await claim.rollback()
        await conn.execute(query("flag_duplicate_children"), sale_id, family_id, taken)
    raise ChildClaimedElsewhere(sale_id, taken)


async def duplicate_child_flags(pool: asyncpg.Pool) -> list[DuplicateChildFlag]:
    """The latest flags, newest first, with an email for each of the two families."""
    rows = await pool.fetch(query("duplicate_child_flags"))
    return [DuplicateChildFlag(**dict(r)) for r in rows]
