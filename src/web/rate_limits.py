"""Rate limits per caller on the doors worth forcing: the account doors (log in, sign up,
reset a password, confirm an address) per address, and joining a queue per session.

Counted in the jobs Redis by `rush.attempt_windows` (one atomic round trip, no lock), so the
limit holds across every web process. Litestar's own rate limiter serialised every limited
request of a process behind one lock held across two Redis round trips: in a sign-in spike
on a saturated process, logins queued behind each other for seconds. Everything else, the rush
traffic included, passes with a method and path check. The address is the peer's, or the one
a trusted proxy forwarded (`RUSH_TRUSTED_PROXIES`, applied by uvicorn): a client cannot name
its own. Each account's doors also have a limit of their own, whatever the address
(`rush.families.account_attempts`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from litestar import Request
from litestar.enums import ScopeType
from litestar.exceptions import TooManyRequestsException
from litestar.types import ASGIApp, Receive, Scope, Send

from rush.attempt_windows import count_attempt
from rush.engine.keys import door_attempts_key
from web.state import JOBS_REDIS

__all__ = [
    "LIMITED_PATHS",
    "LOGINS_PER_MINUTE",
    "QUEUE_JOINS_PER_MINUTE",
    "QUEUE_JOIN_PATHS",
    "DoorLimits",
]

LOGINS_PER_MINUTE = 20
"""At most 20 attempts a minute at the account doors from one address (families share school
wifi): each one costs an argon2 hash or sends an email."""
QUEUE_JOINS_PER_MINUTE = 10
"""At most 10 joins a minute per session: joining twice never moves a family forward, so a
burst is a script hammering the door, answered 429 before it reaches Redis scripts."""
LIMITED_PATHS = re.compile(r"^/((api/v1/auth/)?(login|signup)|password/(forgot|reset))$")
"""The account forms, posted; confirming an address is a link, so a GET (`CONFIRM_PATH`)."""
CONFIRM_PATH = "/confirm-email"
QUEUE_JOIN_PATHS = re.compile(r"^(/api/v1)?/sales/\d+/queue/?$")
SESSION_COOKIE = "rush_session"
WINDOW_S = 60


@dataclass(frozen=True, slots=True)
class _Door:
    name: str
    per_minute: int
    per_session: bool
    """Counted per signed-in session (families behind one school address stay free), else
    per address."""


_ACCOUNT = _Door("account", LOGINS_PER_MINUTE, per_session=False)
_QUEUE_JOIN = _Door("queue", QUEUE_JOINS_PER_MINUTE, per_session=True)


def _door(method: str, path: str) -> _Door | None:
    if method == "GET":
        return _ACCOUNT if path == CONFIRM_PATH else None
    if method != "POST":
        return None
    if LIMITED_PATHS.match(path):
        return _ACCOUNT
    return _QUEUE_JOIN if QUEUE_JOIN_PATHS.match(path) else None


class DoorLimits:
    """App middleware: a limited door past its count answers 429 (`rate_limited`, with
    `Retry-After`), rendered in the caller's language by the app's exception handlers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        door = _door(scope["method"], scope["path"]) if scope["type"] == ScopeType.HTTP else None
        if door is not None:
            redis = scope["litestar_app"].state[JOBS_REDIS]
            key = door_attempts_key(door.name, _caller(scope, door))
            counted = await count_attempt(redis, key, WINDOW_S)
            if counted.attempts > door.per_minute:
                raise TooManyRequestsException(headers={"retry-after": str(counted.resets_in_s)})
        await self.app(scope, receive, send)


def _caller(scope: Scope, door: _Door) -> str:
    if door.per_session and (session := _session_id(scope)):
        return f"session:{session}"
    client = scope.get("client")
    return f"address:{client[0] if client else 'anonymous'}"


def _session_id(scope: Scope) -> str | None:
    session = Request(scope).cookies.get(SESSION_COOKIE)  # queue joins only: a rare door
    return session if session and session != "null" else None
