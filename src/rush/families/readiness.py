"""Readiness: what a family must still do in its file before it may register, as stable codes
the pages turn into a to-do list."""

from __future__ import annotations

from typing import Literal

import asyncpg
import msgspec

from rush.db import query
from rush.families.family_file_types import UnknownFamily

__all__ = ["Issue", "IssueCode", "Readiness", "readiness"]

IssueCode = Literal[
    "family_not_approved",
    "address_missing",
    "tax_payer_missing",
    "health_sheet_missing",
    "emergency_contact_missing",
]


class Issue(msgspec.Struct, frozen=True, kw_only=True):
    code: IssueCode
    person_id: int | None = None
    """The child concerned, for the issues about one child."""


class Readiness(msgspec.Struct, frozen=True, kw_only=True):
    family_id: int
    issues: list[Issue]

    @property
    def ready(self) -> bool:
        return not self.issues


async def readiness(pool: asyncpg.Pool, family_id: int) -> Readiness:
    """What the family must still do before registering, as stable issue codes.

    Family-wide issues come first, then each child's, the oldest child first as in the file.
    """
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        family = await conn.fetchrow(query("family_file_readiness"), family_id)
        children = await conn.fetch(query("family_file_readiness_children"), family_id)
    if family is None:
        raise UnknownFamily(family_id)
    issues: list[Issue] = []
    if family["status"] != "approved":
        issues.append(Issue(code="family_not_approved"))
    if not family["has_address"]:
        issues.append(Issue(code="address_missing"))
    if not family["has_tax_payer"]:
        issues.append(Issue(code="tax_payer_missing"))
    for child in children:
        if not child["has_health_sheet"]:
            issues.append(Issue(code="health_sheet_missing", person_id=child["id"]))
        if not child["has_emergency_contact"]:
            issues.append(Issue(code="emergency_contact_missing", person_id=child["id"]))
    return Readiness(family_id=family_id, issues=issues)
