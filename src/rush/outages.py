"""The failures that say "nothing was done, try again in a moment", one list for every edge.

The web edge answers them with 503 and Retry-After, jobs turn them into arq's `Retry`, and
the worker's runner starts a worker again after them. Each edge adds on top only what
it alone can meet, named and explained where it does.
"""

from __future__ import annotations

from typing import Final

import asyncpg
from redis.exceptions import ClusterDownError, TryAgainError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

__all__ = ["SERVERS_AWAY", "TRANSACTIONS_CROSSED", "TRANSIENT_FAILURES"]

SERVERS_AWAY: Final[tuple[type[Exception], ...]] = (
    # The socket layer, whichever server: refused, reset, timed out, a host not resolving
    # while its container is replaced. asyncio reports a refusal on every address of a name
    # (localhost: ::1 and 127.0.0.1) as a plain OSError, hence OSError and not only
    # ConnectionError; aiosmtplib's connect and timeout errors are OSErrors too.
    OSError,
    # redis-py's own (not OSErrors): the connection dropped, or no reply in time.
    RedisConnectionError,
    RedisTimeoutError,
    # A cluster between a primary lost and its replica promoted: CLUSTERDOWN, MASTERDOWN
    # (a subclass), TRYAGAIN while slots move.
    ClusterDownError,
    TryAgainError,
    # Postgres's connection class (SQLSTATE 08): the connection failed or was lost.
    asyncpg.PostgresConnectionError,
    # asyncpg's client side: the connection was closed under the query, the pool closing.
    asyncpg.InterfaceError,
    # SQLSTATE 57: Postgres shutting down, starting up, crashed, or the statement cancelled.
    asyncpg.exceptions.OperatorInterventionError,
    # No connection slot left on Postgres for now.
    asyncpg.exceptions.TooManyConnectionsError,
)
"""Redis or Postgres (or any server a socket reaches) unreachable for a moment: a restart,
a failover, a container replaced."""

TRANSACTIONS_CROSSED: Final[tuple[type[Exception], ...]] = (
    asyncpg.DeadlockDetectedError,
    asyncpg.SerializationError,
)
"""Postgres aborted one of two transactions that took the same rows in opposite orders (a
finalize and a checkout on one group, seen in a 2,000-family rush): it can simply run again."""

TRANSIENT_FAILURES: Final = SERVERS_AWAY + TRANSACTIONS_CROSSED
"""Everything after which nothing was done and the same request or job may run again."""
