"""Jobs outlive a server that is briefly away: such a failure becomes arq's `Retry`.

arq retries a job only when it raises `Retry`; any other exception fails it for good. A
webhook delivery that met a web process being replaced would then be dropped, and a payment
the provider took never become a registration; a confirmation that met Postgres restarting
would never be sent. Errors that say "the server is not there right
now" are turned into a retry with a growing delay; every other error still fails the job.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
from arq import Retry
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

__all__ = ["TRANSIENT_ERRORS", "retry_while_servers_are_away"]

log = logging.getLogger("rush.workers")

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # connection refused or reset, timeouts
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,  # the connection was closed under the query
    asyncpg.exceptions.OperatorInterventionError,  # shutting down, starting up
    asyncpg.exceptions.TooManyConnectionsError,
    RedisConnectionError,
    RedisTimeoutError,
    httpx.TransportError,
    # Two transactions took the same rows in opposite orders (a finalize and a checkout on
    # one group, seen in a 2,000-family rush); Postgres aborted one, which can simply run again.
    asyncpg.DeadlockDetectedError,
    asyncpg.SerializationError,
)
_MAX_DEFER_S = 30


@contextlib.contextmanager
def retry_while_servers_are_away(ctx: dict[str, Any]) -> Iterator[None]:
    """Raise `Retry` (2 s, 4 s, ... up to 30 s later) when a server could not be reached."""
    try:
        yield
    except TRANSIENT_ERRORS as exc:
        defer = min(ctx["job_try"] * 2, _MAX_DEFER_S)
        log.warning("job %s: %r; retrying in %d s", ctx.get("job_id"), exc, defer)
        raise Retry(defer=defer) from exc
