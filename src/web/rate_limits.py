"""Rate limits per address on the doors worth forcing: the account doors (log in, sign up,
reset a password, confirm an address) and joining a queue.

Counters live in Redis (Litestar's RateLimitMiddleware with a Redis store), so the limit
holds across every web process. Everything else, the rush traffic included, is not limited.
The address is the peer's, or the one a trusted proxy forwarded (`RUSH_TRUSTED_PROXIES`, applied
by uvicorn): a client cannot name its own. Each account's doors also have a limit of their
own, whatever the address (`rush.families.account_attempts`).
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.middleware.rate_limit import RateLimitConfig, get_remote_address
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis

__all__ = [
    "LIMITED_PATHS",
    "QUEUE_JOIN_PATHS",
    "QUEUE_RATE_LIMIT_STORE",
    "RATE_LIMIT_STORE",
    "login_rate_limit",
    "queue_join_rate_limit",
    "queue_rate_limit_store",
    "rate_limit_store",
]

RATE_LIMIT_STORE = "rate_limit"
QUEUE_RATE_LIMIT_STORE = "queue_rate_limit"
LOGINS_PER_MINUTE = 20
QUEUE_JOINS_PER_MINUTE = 10
LIMITED_PATHS = re.compile(r"^/((api/v1/auth/)?(login|signup)|password/(forgot|reset))$")
"""The account forms, posted; confirming an address is a link, so a GET (`CONFIRM_PATH`)."""
CONFIRM_PATH = "/confirm-email"
QUEUE_JOIN_PATHS = re.compile(r"^(/api/v1)?/sales/\d+/queue/?$")
SESSION_COOKIE = "rush_session"


def rate_limit_store(jobs_redis: Redis) -> RedisStore:
    return RedisStore(jobs_redis, namespace="rush:ratelimit")


def queue_rate_limit_store(jobs_redis: Redis) -> RedisStore:
    """A store of its own: Litestar keys counters by caller only, not by path."""
    return RedisStore(jobs_redis, namespace="rush:ratelimit:queue")


async def _is_account_door(request: Request[Any, Any, Any]) -> bool:
    # async: Litestar runs a sync check in a worker thread, a thread hop on every request.
    path = request.url.path
    if request.method == "GET":
        return path == CONFIRM_PATH
    return request.method == "POST" and bool(LIMITED_PATHS.match(path))


def login_rate_limit() -> RateLimitConfig:
    """At most 20 attempts a minute at the account doors from one address (families share
    school wifi): each one costs an argon2 hash or sends an email."""
    return RateLimitConfig(
        rate_limit=("minute", LOGINS_PER_MINUTE),
        check_throttle_handler=_is_account_door,
        store=RATE_LIMIT_STORE,
    )


async def _is_queue_join(request: Request[Any, Any, Any]) -> bool:
    return request.method == "POST" and bool(QUEUE_JOIN_PATHS.match(request.url.path))


def _session_or_address(request: Request[Any, Any, Any]) -> str:
    """Counted per signed-in session: families behind one school or office address stay free."""
    session = request.cookies.get(SESSION_COOKIE)
    return f"session:{session}" if session else f"address:{get_remote_address(request)}"


def queue_join_rate_limit() -> RateLimitConfig:
    """At most 10 joins a minute per session: joining twice never moves a family forward,
    so a burst is a script hammering the door, answered 429 before it reaches Redis scripts."""
    return RateLimitConfig(
        rate_limit=("minute", QUEUE_JOINS_PER_MINUTE),
        check_throttle_handler=_is_queue_join,
        identifier_for_request=_session_or_address,
        store=QUEUE_RATE_LIMIT_STORE,
    )
