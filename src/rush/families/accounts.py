"""Accounts and the persons of a family: who may register whom.

Children enter a family only through the family file (`family_file_storage.add_child`).

Passwords are hashed with argon2 (argon2-cffi). A family sees and changes only its own file:
every read and write here takes the family id from the caller's session, never from input.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import asyncpg
import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from rush.db import Executor, inserted, query
from rush.errors import (
    EmailNotConfirmed,
    EmailTaken,
    FamilyNotApproved,
    InvalidCredentials,
    PersonNotInFamily,
)

__all__ = [
    "Account",
    "Person",
    "account_by_id",
    "authenticate",
    "confirm_email",
    "create_family_account",
    "create_staff_account",
    "current_role",
    "family_person",
    "family_persons",
    "hash_password",
    "require_approved_family",
    "require_may_join_queue",
    "set_family_status",
    "set_password",
]

# OWASP's argon2id profile (19 MiB, 2 passes, 1 lane) rather than argon2-cffi's default
# (64 MiB, 3 passes, 4 lanes): measured here at 58 ms a verify against 445 ms, which decides
# how many families can log in at 9:00 on a two-core web server. A hash keeps the parameters
# it was made with, so older (costlier) hashes still verify as they are.
_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
# Verifying against this keeps an unknown email as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """The stored form of a password, as accounts get it (for tools that seed accounts)."""
    return _hasher.hash(password)


async def _hash_password(password: str) -> str:
    """Argon2 is slow on purpose (tens of ms): off the event loop, so a burst of logins at
    opening time does not stall every other request of the process."""
    return await asyncio.to_thread(hash_password, password)


async def _verify_password(password_hash: str, password: str) -> None:
    await asyncio.to_thread(_hasher.verify, password_hash, password)


class Account(msgspec.Struct, frozen=True):
    id: int
    family_id: int | None
    email: str
    role: str
    locale: str


class Person(msgspec.Struct, frozen=True):
    id: int
    family_id: int
    role: str
    first_name: str
    last_name: str
    birth_date: dt.date | None


async def create_family_account(
    pool: asyncpg.Pool,
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    locale: str = "fr-CA",
    needs_approval: bool = False,
) -> Account:
    """A new family with its first adult and the account that logs in for it."""
    password_hash = await _hash_password(password)
    async with pool.acquire() as conn, conn.transaction():
        family_id = await conn.fetchval(
            query("insert_family"), "pending" if needs_approval else "approved"
        )
        await conn.execute(query("insert_person"), family_id, "adult", first_name, last_name, None)
        try:
            row = await inserted(
                conn, "insert_account", family_id, email, password_hash, "family", locale
            )
        except asyncpg.UniqueViolationError as exc:
            raise EmailTaken(email) from exc
    return Account(**dict(row.items()))


async def create_staff_account(
    pool: asyncpg.Pool, *, email: str, password: str, role: str, locale: str = "fr-CA"
) -> Account:
    """A supervisor or admin of the recreation service; staff have no family file."""
    if role not in ("supervisor", "admin"):
        raise ValueError("staff are supervisors or admins")
    try:
        row = await inserted(
            pool, "insert_account", None, email, await _hash_password(password), role, locale
        )
    except asyncpg.UniqueViolationError as exc:
        raise EmailTaken(email) from exc
    return Account(**dict(row.items()))


async def confirm_email(pool: asyncpg.Pool, account_id: int) -> None:
    await pool.execute(query("account_confirm_email"), account_id)


async def set_password(pool: asyncpg.Pool, account_id: int, password: str) -> None:
    """A new password voids every reset link not yet used: an older email opens nothing.

    Signing the account's sessions out is the caller's part: sessions live in the web layer.
    """
    password_hash = await _hash_password(password)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(query("account_set_password"), account_id, password_hash)
        await conn.execute(query("account_reset_links_void"), account_id)


async def current_role(pool: asyncpg.Pool, account_id: int) -> str | None:
    """The role as it stands now (None once the account is gone), not as it was at sign-in."""
    role: str | None = await pool.fetchval(query("account_role"), account_id)
    return role


async def account_by_id(pool: asyncpg.Pool, account_id: int) -> Account:
    row = await pool.fetchrow(query("account_by_id"), account_id)
    if row is None:
        raise InvalidCredentials()
    return Account(**dict(row.items()))


async def require_approved_family(conn: Executor, family_id: int) -> None:
    """A family waiting for staff approval cannot register yet (a site setting decides)."""
    status = await conn.fetchval(query("family_status"), family_id)
    if status != "approved":
        raise FamilyNotApproved(family_id)


async def require_may_join_queue(conn: Executor, family_id: int, account_id: int) -> None:
    """Joining a queue takes an approved family (when the site asks for approval) and an
    account whose email is confirmed, so one person cannot line up under made-up addresses."""
    row = await conn.fetchrow(query("queue_join_standing"), family_id, account_id)
    if row is None or row["family_status"] != "approved":
        raise FamilyNotApproved(family_id)
    if not row["email_confirmed"]:
        raise EmailNotConfirmed(account_id)


async def set_family_status(
    pool: asyncpg.Pool, family_id: int, status: str, refusal_reason: str | None = None
) -> bool:
    """Staff approve or refuse a pending family; False when there is no such family.

    The reason is kept only with a refusal; any other status clears it.
    """
    if status not in ("approved", "refused", "pending"):
        raise ValueError("a family is pending, approved or refused")
    found = await pool.fetchval(query("family_set_status"), family_id, status, refusal_reason)
    return found is not None


async def authenticate(pool: asyncpg.Pool, email: str, password: str) -> Account:
    row = await pool.fetchrow(query("account_by_email"), email)
    try:
        await _verify_password(row["password_hash"] if row else _DUMMY_HASH, password)
    except (VerifyMismatchError, InvalidHashError) as exc:
        raise InvalidCredentials() from exc
    if row is None:
        raise InvalidCredentials()
    fields = dict(row.items())
    del fields["password_hash"]
    return Account(**fields)


async def family_persons(pool: asyncpg.Pool, family_id: int) -> list[Person]:
    rows = await pool.fetch(query("family_persons"), family_id)
    return [Person(**dict(r.items())) for r in rows]


async def family_person(conn: Executor, family_id: int, person_id: int) -> Person:
    """One person of the family; another family's person is refused as if it did not exist."""
    row = await conn.fetchrow(query("family_person"), family_id, person_id)
    if row is None:
        raise PersonNotInFamily(person_id)
    return Person(**dict(row.items()))
