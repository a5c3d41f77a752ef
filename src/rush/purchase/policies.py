"""The payment terms and the refund policy: what families accept at checkout, as staff wrote it.

Staff publish a new version in French and English; nothing is ever edited in place, so the
order keeps the version its family accepted (recorded by `write_order`).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import asyncpg
import msgspec

from rush.db import query
from rush.errors import RushError
from rush.ops.staff_log import log_staff_action

__all__ = ["POLICY_KINDS", "Policy", "PolicyEmpty", "current_policies", "publish_policy"]

PolicyKind = Literal["terms", "refunds"]
POLICY_KINDS: tuple[PolicyKind, ...] = ("terms", "refunds")


class PolicyEmpty(RushError):
    """A policy must say something in both languages."""

    code = "policy_empty"
    status = 422


class Policy(msgspec.Struct, frozen=True):
    id: int
    kind: str
    body_fr: str
    body_en: str
    created_at: dt.datetime

    def body(self, locale: str) -> str:
        return self.body_en if locale == "en" else self.body_fr


async def current_policies(pool: asyncpg.Pool) -> dict[str, Policy]:
    """The latest version of each policy, by kind."""
    return {
        row["kind"]: Policy(
            row["id"], row["kind"], row["body_fr"], row["body_en"], row["created_at"]
        )
        for row in await pool.fetch(query("policies_current"))
    }


async def publish_policy(
    pool: asyncpg.Pool, staff_account_id: int, kind: PolicyKind, body_fr: str, body_en: str
) -> int:
    """A new version of a policy, from now on the one families accept; returns its id."""
    if not (body_fr.strip() and body_en.strip()):
        raise PolicyEmpty("a policy needs a French and an English text")
    version: int = await pool.fetchval(
        query("policy_insert"), kind, body_fr.strip(), body_en.strip(), staff_account_id
    )
    await log_staff_action(pool, staff_account_id, "publish_policy", None, kind=kind, id=version)
    return version
