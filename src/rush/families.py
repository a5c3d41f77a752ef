"""Accounts and the family file: who may register whom.

Passwords are hashed with argon2 (argon2-cffi). A family sees and changes only its own file:
every read and write here takes the family id from the caller's session, never from input.
"""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from rush.db import Executor, inserted, query
from rush.errors import EmailTaken, InvalidCredentials, PersonNotInFamily

__all__ = [
    "Account",
    "Person",
    "add_child",
    "authenticate",
    "create_family_account",
    "create_staff_account",
    "family_person",
    "family_persons",
]

_hasher = PasswordHasher()
# Verifying against this keeps an unknown email as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


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
    async with pool.acquire() as conn, conn.transaction():
        family_id = await conn.fetchval(
            query("insert_family"), "pending" if needs_approval else "approved"
        )
        await conn.execute(query("insert_person"), family_id, "adult", first_name, last_name, None)
        try:
            row = await inserted(
                conn, "insert_account", family_id, email, _hasher.hash(password), "family", locale
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
            pool, "insert_account", None, email, _hasher.hash(password), role, locale
        )
    except asyncpg.UniqueViolationError as exc:
        raise EmailTaken(email) from exc
    return Account(**dict(row.items()))


async def authenticate(pool: asyncpg.Pool, email: str, password: str) -> Account:
    row = await pool.fetchrow(query("account_by_email"), email)
    try:
        _hasher.verify(row["password_hash"] if row else _DUMMY_HASH, password)
    except (VerifyMismatchError, InvalidHashError) as exc:
        raise InvalidCredentials() from exc
    if row is None:
        raise InvalidCredentials()
    fields = dict(row.items())
    del fields["password_hash"]
    return Account(**fields)


async def add_child(
    pool: asyncpg.Pool,
    family_id: int,
    *,
    first_name: str,
    last_name: str,
    birth_date: dt.date,
) -> Person:
    row = await inserted(
        pool, "insert_person_returning", family_id, "child", first_name, last_name, birth_date
    )
    return Person(**dict(row.items()))


async def family_persons(pool: asyncpg.Pool, family_id: int) -> list[Person]:
    rows = await pool.fetch(query("family_persons"), family_id)
    return [Person(**dict(r.items())) for r in rows]


async def family_person(conn: Executor, family_id: int, person_id: int) -> Person:
    """One person of the family; another family's person is refused as if it did not exist."""
    row = await conn.fetchrow(query("family_person"), family_id, person_id)
    if row is None:
        raise PersonNotInFamily(person_id)
    return Person(**dict(row.items()))
