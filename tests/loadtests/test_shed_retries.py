"""A locust family shed by a saturated Rush waits the `Retry-After` it was given and asks
again; the shed answers are counted apart, and only a family that gives up fails."""

from __future__ import annotations

import pytest

from loadtests.shed_retries import MAX_SHED_RETRIES, problem_code, shed_wait_s, until_served


@pytest.mark.parametrize(
    ("status", "code", "retry_after", "wait"),
    [
        (503, "servers_busy", "7", 7.0),
        (503, "servers_busy", None, None),  # no Retry-After: not a shed answer
        (503, "servers_busy", "soon", None),
        (503, "service_unavailable", "2", None),  # a server away: a failure, as before
        (429, "rate_limited", "30", None),
        (200, None, None, None),
    ],
)
def test_only_a_503_servers_busy_with_retry_after_is_a_shed_answer(
    status: int, code: str | None, retry_after: str | None, wait: float | None
) -> None:
    assert shed_wait_s(status, code, retry_after) == wait


def test_the_problem_code_is_read_from_a_problem_body_only() -> None:
    assert problem_code(b'{"code": "servers_busy", "retry_after": 7}') == "servers_busy"
    assert problem_code('{"state": "waiting"}') is None
    assert problem_code(b"[1, 2]") is None
    assert problem_code(b"<html>Bad gateway</html>") is None


class Server:
    """Answers as Rush would: shed `shed` times (503 + Retry-After), then serves."""

    def __init__(self, shed: int, retry_after: str = "6") -> None:
        self.left = shed
        self.retry_after = retry_after
        self.tries: list[bool] = []
        self.outcomes: dict[str, int] = {}

    def attempt(self, last: bool) -> tuple[int, float | None]:
        """What the family's `_call_once` does with one answer: count a shed, return its wait."""
        self.tries.append(last)
        if self.left == 0:
            return 200, None
        self.left -= 1
        wait = None if last else shed_wait_s(503, "servers_busy", self.retry_after)
        if wait is not None:
            self.outcomes["shed"] = self.outcomes.get("shed", 0) + 1
        return 503, wait


def test_a_shed_login_waits_its_retry_after_and_is_served_on_a_later_try() -> None:
    server, slept = Server(shed=2), []
    assert until_served(server.attempt, slept.append) == 200
    assert slept == [6.0, 6.0]
    assert server.outcomes == {"shed": 2}
    assert server.tries == [False, False, False]


def test_a_family_shed_past_its_patience_reports_the_last_answer_as_it_is() -> None:
    server, slept = Server(shed=MAX_SHED_RETRIES + 5), []
    assert until_served(server.attempt, slept.append) == 503
    assert len(slept) == MAX_SHED_RETRIES
    assert server.tries[-1] is True  # the last try is not retried: it counts as a failure
    assert server.outcomes == {"shed": MAX_SHED_RETRIES}
