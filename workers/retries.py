"""Jobs outlive a server that is briefly away: such a failure becomes arq's `Retry`.

arq retries a job only when it raises `Retry`; any other exception fails it for good. A
webhook delivery that met a web process being replaced would then be dropped, and a payment
the provider took never become a registration; a confirmation that met Postgres restarting
would never be sent. The failures `rush.outages` lists as transient (a server not there right
now, two transactions crossed) become a retry with a growing delay; every other error still
fails the job.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import httpx
from arq import Retry

from rush.outages import TRANSIENT_FAILURES

__all__ = ["RETRIED_FAILURES", "retry_while_servers_are_away"]

log = logging.getLogger("rush.workers")

RETRIED_FAILURES: tuple[type[Exception], ...] = (
    *TRANSIENT_FAILURES,
    # Only jobs call a server over HTTP: a webhook posted to a web process being replaced.
    httpx.TransportError,
)
_MAX_DEFER_S = 30


@contextlib.contextmanager
def retry_while_servers_are_away(ctx: dict[str, Any]) -> Iterator[None]:
    """Raise `Retry` (2 s, 4 s, ... up to 30 s later) when a server could not be reached."""
    try:
        yield
    except RETRIED_FAILURES as exc:
        defer = min(ctx["job_try"] * 2, _MAX_DEFER_S)
        log.warning("job %s: %r; retrying in %d s", ctx.get("job_id"), exc, defer)
        raise Retry(defer=defer) from exc
