"""One log line per HTTP request: method, route template, status, duration, request id.

Nothing else about the request is logged: no body, no query string, no cookie, no header
but the request id, so a family's form never reaches the log by this door.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

import structlog
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from rush.errors import RushError
from web.problems import REFUSED_INPUT

__all__ = ["REQUEST_ID_HEADER", "RequestLog", "log_unexpected_error"]

REQUEST_ID_HEADER = "x-request-id"
# A load balancer's id is kept when it looks like one, so lines join up across hops.
_CALLER_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Scraped and probed every few seconds: worth a line only when debugging.
_QUIET_ROUTES = frozenset({"/metrics", "/health"})

log = structlog.stdlib.get_logger("rush.http")


def _request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER.encode():
            given = value.decode("latin-1")
            if _CALLER_ID.fullmatch(given):
                return given
    return uuid.uuid4().hex


class RequestLog(ASGIMiddleware):
    """Logs after the response is sent and echoes the request id in `x-request-id`."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request_id = _request_id(scope)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
                message = {**message, "headers": headers}
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await next_app(scope, receive, send_with_id)
            finally:
                route = scope.get("path_template") or scope["path"]
                log.log(
                    logging.DEBUG if route in _QUIET_ROUTES else logging.INFO,
                    "request",
                    method=scope.get("method", ""),
                    route=route,
                    status=status,
                    duration_ms=round((time.perf_counter() - started) * 1000, 2),
                )


async def log_unexpected_error(exc: Exception, scope: Scope) -> None:
    """Litestar `after_exception` hook: a traceback for real failures, not for refusals
    (HTTP errors and domain errors are answers, already counted in the request line)."""
    if isinstance(exc, HTTPException | RushError):
        return
    if isinstance(exc, REFUSED_INPUT):
        log.info("input refused", route=scope.get("path_template"), reason=type(exc).__name__)
        return
    route: Any = scope.get("path_template") or scope.get("path")
    log.error("unhandled error", route=route, exc_info=exc)
