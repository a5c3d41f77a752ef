"""A job that met a server out of reach is retried later; any other failure still fails it."""

from __future__ import annotations

import asyncpg
import httpx
import pytest
from arq import Retry
from redis.exceptions import ConnectionError as RedisConnectionError

from rush.outages import TRANSIENT_FAILURES
from workers.retries import RETRIED_FAILURES, retry_while_servers_are_away


@pytest.mark.parametrize(
    "away",
    [
        httpx.ConnectError("connection refused"),
        ConnectionRefusedError(111, "Connection refused"),
        asyncpg.exceptions.AdminShutdownError("terminating connection"),
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        RedisConnectionError("Error 111 connecting"),
        asyncpg.DeadlockDetectedError("deadlock detected"),
        asyncpg.TooManyConnectionsError("sorry, too many clients already"),
        OSError("Multiple exceptions: [Errno 111] Connect call failed ('::1', 5432, 0, 0)"),
    ],
)
def test_a_server_out_of_reach_becomes_a_retry_with_a_growing_delay(away: Exception) -> None:
    with pytest.raises(Retry) as caught, retry_while_servers_are_away({"job_try": 3}):
        raise away
    assert caught.value.defer_score == 6_000


def test_the_delay_stops_growing_at_thirty_seconds() -> None:
    with pytest.raises(Retry) as caught, retry_while_servers_are_away({"job_try": 40}):
        raise httpx.ReadError("reset")
    assert caught.value.defer_score == 30_000


def test_a_failure_that_is_not_a_server_away_still_fails_the_job() -> None:
    with pytest.raises(KeyError), retry_while_servers_are_away({"job_try": 1}):
        raise KeyError("order")


def test_jobs_retry_every_failure_the_web_edge_answers_503_to() -> None:
    assert set(TRANSIENT_FAILURES) <= set(RETRIED_FAILURES)
