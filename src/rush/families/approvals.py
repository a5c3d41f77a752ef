"""Staff decide on families waiting for approval, and every decision is logged.

Staff decide from the family's file as the family filled it in (`family_file_storage`) and from
what is still missing there (`readiness`), never from a second reading of those rules. A refusal
carries a reason, kept with the family, which the family reads in its email.
"""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from rush.crypto import FieldCipher
from rush.db import query
from rush.engine.staged_carts import StagedCarts
from rush.errors import RushError
from rush.families.accounts import set_family_status
from rush.families.family_file_storage import get_family_file
from rush.families.family_file_types import FamilyFile
from rush.families.readiness import Issue, readiness
from rush.ops.staff_log import log_staff_action

__all__ = [
    "REFUSAL_REASON_MAX",
    "Decision",
    "FamilyToDecide",
    "PendingFamily",
    "RefusalReasonInvalid",
    "decide_family",
    "families_to_decide",
    "pending_families",
    "recent_decisions",
]

REFUSAL_REASON_MAX = 2000


class RefusalReasonInvalid(RushError):
    """A refusal without a reason (or with an essay): the family must be told why, briefly."""

    code = "refusal_reason_invalid"
    status = 422


class PendingFamily(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str | None
    email: str | None
    created_at: dt.datetime
    children: int


class FamilyToDecide(msgspec.Struct, frozen=True, kw_only=True):
    """A pending family with its file and what the file still lacks, as staff decide on it."""

    family: PendingFamily
    file: FamilyFile
    issues: list[Issue]
    """What readiness finds missing, apart from the approval staff are about to give."""

    def child_name(self, person_id: int | None) -> str:
        """The name of the child an issue is about, as the file spells it."""
        child = next((c for c in self.file.children if c.id == person_id), None)
        return f"{child.details.first_name} {child.details.last_name}" if child else ""


class Decision(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str | None
    email: str | None
    action: str
    status: str
    """The family's status now, which a later decision may have changed."""
    staff: str
    at: dt.datetime
    reason: str | None
    """What staff wrote when refusing; None for an approval."""


async def pending_families(pool: asyncpg.Pool) -> list[PendingFamily]:
    return [PendingFamily(**dict(r.items())) for r in await pool.fetch(query("families_pending"))]


async def families_to_decide(pool: asyncpg.Pool, cipher: FieldCipher) -> list[FamilyToDecide]:
    """Each pending family, oldest first, with its whole file and its readiness issues."""
    found = []
    for family in await pending_families(pool):
        report = await readiness(pool, family.id)
        found.append(
            FamilyToDecide(
                family=family,
                file=await get_family_file(pool, cipher, family.id),
                issues=[i for i in report.issues if i.code != "family_not_approved"],
            )
        )
    return found


async def recent_decisions(pool: asyncpg.Pool, limit: int = 20) -> list[Decision]:
    rows = await pool.fetch(query("families_recently_decided"), limit)
    return [Decision(**dict(r.items())) for r in rows]


def _refusal_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text or len(text) > REFUSAL_REASON_MAX:
        raise RefusalReasonInvalid("a refusal needs a reason of at most 2000 characters")
    return text


async def decide_family(
    pool: asyncpg.Pool,
    staged: StagedCarts,
    staff_account_id: int,
    family_id: int,
    approve: bool,
    reason: str | None = None,
) -> bool:
    """Approve, or refuse with a reason, and log who did; False when there is no such family.

    A refused family's staged carts go first, so no hold at admission skips Postgres's check."""
    status = "approved" if approve else "refused"
    kept = None if approve else _refusal_reason(reason)
    if not approve:
        sales = [r["id"] for r in await pool.fetch(query("sales_not_closed"))]
        await staged.unstage(family_id, sales)
    if not await set_family_status(pool, family_id, status, kept):
        return False
    details = {"family_id": family_id} if approve else {"family_id": family_id, "reason": kept}
    await log_staff_action(pool, staff_account_id, f"family_{status}", None, **details)
    return True
