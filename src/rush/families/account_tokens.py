"""Single-use links sent by email: confirm an address, reset a password.

The link carries a random token; Postgres keeps only its SHA-256, an expiry and whether it
was used, so each link works once, for a while, and a database leak gives no working link.
"""

from __future__ import annotations

import hashlib
import secrets
from enum import StrEnum

import asyncpg

from rush.db import query
from rush.errors import RushError

__all__ = ["LINK_PATHS", "InvalidAccountLink", "TokenPurpose", "issue_token", "use_token"]

LIFETIME_SECONDS = {"confirm_email": 7 * 24 * 3600, "reset_password": 3600}


class TokenPurpose(StrEnum):
    CONFIRM_EMAIL = "confirm_email"
    RESET_PASSWORD = "reset_password"


LINK_PATHS = {
    TokenPurpose.CONFIRM_EMAIL: "/confirm-email",
    TokenPurpose.RESET_PASSWORD: "/password/reset",
}
"""Where each emailed link opens on the site."""


class InvalidAccountLink(RushError):
    """The link is unknown, already used or expired."""

    code = "invalid_account_link"
    status = 400


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def issue_token(pool: asyncpg.Pool, account_id: int, purpose: TokenPurpose) -> str:
    token = secrets.token_urlsafe(32)
    await pool.execute(
        query("account_token_insert"),
        account_id,
        purpose.value,
        _hash(token),
        LIFETIME_SECONDS[purpose],
    )
    return token


async def use_token(pool: asyncpg.Pool, token: str, purpose: TokenPurpose) -> int:
    """Spend a token; returns its account, or refuses a used, expired or unknown one."""
    account_id: int | None = await pool.fetchval(
        query("account_token_use"), _hash(token), purpose.value
    )
    if account_id is None:
        raise InvalidAccountLink("this link is no longer valid")
    return account_id
