"""Passwords: argon2id at the profile the login burst of opening morning can afford."""

from __future__ import annotations

import asyncpg
import pytest
from argon2 import PasswordHasher

from rush.errors import InvalidCredentials
from rush.families.accounts import authenticate, create_family_account

PASSWORD = "mot de passe de rentrée"


async def _stored_hash(pool: asyncpg.Pool, email: str) -> str:
    stored: str = await pool.fetchval("SELECT password_hash FROM account WHERE email = $1", email)
    return stored


async def test_new_accounts_get_the_owasp_argon2id_profile(pool: asyncpg.Pool, clean: None) -> None:
    await create_family_account(
        pool, email="a@example.ca", password=PASSWORD, first_name="A", last_name="B"
    )
    stored = await _stored_hash(pool, "a@example.ca")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in stored


async def test_an_account_hashed_with_the_older_profile_still_logs_in(
    pool: asyncpg.Pool, clean: None
) -> None:
    await create_family_account(
        pool, email="old@example.ca", password="x" * 12, first_name="A", last_name="B"
    )
    older = PasswordHasher(time_cost=3, memory_cost=65_536, parallelism=4).hash(PASSWORD)
    await pool.execute(
        "UPDATE account SET password_hash = $2 WHERE email = $1", "old@example.ca", older
    )
    with pytest.raises(InvalidCredentials):
        await authenticate(pool, "old@example.ca", "not the password")
    assert (await authenticate(pool, "old@example.ca", PASSWORD)).email == "old@example.ca"
