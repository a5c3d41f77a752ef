"""Logging in: one check for the login page and the API, counted per account."""

from __future__ import annotations

from rush.families.account_attempts import (
    AccountDoor,
    count_account_attempt,
    forget_account_attempts,
)
from rush.families.accounts import Account, authenticate
from rush.services import Services

__all__ = ["log_in_account"]


async def log_in_account(services: Services, email: str, password: str) -> Account:
    """The account `email` and `password` open; raises `InvalidCredentials`, or
    `TooManyAttempts` once that account has had too many tries, from whatever addresses.

    Counted before the password is checked, so a locked account costs no argon2 verify.
    """
    await count_account_attempt(services.jobs_redis, AccountDoor.LOG_IN, email)
    account = await authenticate(services.pool, email, password)
    await forget_account_attempts(services.jobs_redis, AccountDoor.LOG_IN, email)
    return account
