"""Attempts counted per account (the email submitted), whatever addresses they come from.

The per-address limit (`web.rate_limits`) stops one machine; this one stops many machines
working on one account: guessing its password, flooding it with reset or sign-up emails.
Counters live in Redis, so the limit holds across every web process.
"""

from __future__ import annotations

from enum import StrEnum

from redis.asyncio import Redis

from rush.attempt_windows import count_attempt
from rush.engine.keys import account_attempts_key
from rush.errors import TooManyAttempts

__all__ = [
    "ACCOUNT_ATTEMPTS",
    "ACCOUNT_WINDOW_S",
    "AccountDoor",
    "count_account_attempt",
    "forget_account_attempts",
]

ACCOUNT_ATTEMPTS = 10
"""Attempts of one door per account and window: a parent who forgot a password tries a few
times, then resets; an attacker spreading guesses over many addresses stops here."""
ACCOUNT_WINDOW_S = 600


class AccountDoor(StrEnum):
    LOG_IN = "login"
    SIGN_UP = "signup"
    RESET_PASSWORD = "reset"


async def count_account_attempt(redis: Redis, door: AccountDoor, email: str) -> None:
    """Count one attempt at `door` for `email`; raise `TooManyAttempts` past the limit."""
    counted = await count_attempt(redis, account_attempts_key(door.value, email), ACCOUNT_WINDOW_S)
    if counted.attempts > ACCOUNT_ATTEMPTS:
        raise TooManyAttempts(door.value)


async def forget_account_attempts(redis: Redis, door: AccountDoor, email: str) -> None:
    """A successful login clears its account's count: a family's own typos never add up."""
    await redis.delete(account_attempts_key(door.value, email))
