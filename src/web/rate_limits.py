"""Rate limits on the doors worth forcing: logging in and joining a queue.

Counters live in Redis (Litestar's RateLimitMiddleware with a Redis store), so the limit
holds across every web process. Everything else, the rush traffic included, is not limited.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.stores.redis import RedisStore

from rush.config import Settings

__all__ = ["LIMITED_PATHS", "RATE_LIMIT_STORE", "login_rate_limit", "rate_limit_store"]

RATE_LIMIT_STORE = "rate_limit"
LOGINS_PER_MINUTE = 20
LIMITED_PATHS = re.compile(r"^/(api/v1/auth/)?login$|^/password/forgot$")


def rate_limit_store(settings: Settings) -> RedisStore:
    return RedisStore.with_client(url=settings.redis_url, namespace="rush:ratelimit")


def _is_login_attempt(request: Request[Any, Any, Any]) -> bool:
    return request.method == "POST" and bool(LIMITED_PATHS.match(request.url.path))


def login_rate_limit() -> RateLimitConfig:
    """At most 20 login attempts a minute from one address (families share school wifi)."""
    return RateLimitConfig(
        rate_limit=("minute", LOGINS_PER_MINUTE),
        check_throttle_handler=_is_login_attempt,
        store=RATE_LIMIT_STORE,
    )
