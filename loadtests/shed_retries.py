"""A family shed by a saturated Rush waits and tries again, as the page tells a parent to.

Rush answers a new arrival (sign-in, sign-up, joining a queue) `503` with the problem code
`servers_busy` and a `Retry-After` in seconds while a web process is saturated. The family
waits that long and asks again; those answers are reported as `shed`, not as failures. No
locust import here: the tests import this module, and locust patches the standard library.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

__all__ = [
    "MAX_SHED_RETRIES",
    "SHED",
    "SHED_CODE",
    "UNFINISHED",
    "problem_code",
    "shed_wait_s",
    "until_served",
]

SHED_CODE = "servers_busy"
SHED = "shed"
"""The name a shed answer is reported under, and the run's outcome counting them."""
UNFINISHED = "unfinished"
"""The name of a family whose morning the end of the run cut short: counted as a failure."""
MAX_SHED_RETRIES = 60
"""A parent stays a few minutes at most; the answer after that counts as a failure."""

T = TypeVar("T")


def problem_code(body: str | bytes) -> str | None:
    """The `code` of a problem details body; None for anything else."""
    try:
        problem = json.loads(body)
    except ValueError:
        return None
    code = problem.get("code") if isinstance(problem, dict) else None
    return str(code) if code else None


def shed_wait_s(status: int, code: str | None, retry_after: str | None) -> float | None:
    """The seconds the server asked to wait, when it shed this request; None otherwise."""
    if status != 503 or code != SHED_CODE or not retry_after:
        return None
    try:
        return max(float(retry_after), 0.0)
    except ValueError:
        return None


def until_served(
    attempt: Callable[[bool], tuple[T, float | None]],
    sleep: Callable[[float], None],
    retries: int = MAX_SHED_RETRIES,
) -> T:
    """Call `attempt` until the server serves it, sleeping each shed answer's wait between.

    `attempt(last)` returns its answer and the wait asked for (None: served, or refused for
    another reason); on the last try it is told so, and reports a shed answer as a failure.
    """
    for _ in range(retries):
        answer, wait = attempt(False)
        if wait is None:
            return answer
        sleep(wait)
    return attempt(True)[0]
