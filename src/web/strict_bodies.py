"""API request bodies read strictly before any decoder sees them: at most 64 KiB, UTF-8, and
nested a few levels deep. A body past these bounds is no real client's, and left to the JSON
decoder it would cost a 500 (`UnicodeDecodeError`, `RecursionError`) or memory."""

from __future__ import annotations

import re

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, HTTPRequestEvent, Receive, ReceiveMessage, Scope, Send

__all__ = ["MAX_API_BODY_BYTES", "MAX_JSON_DEPTH", "RAW_BODY_OPT", "BodyRefused", "StrictBodies"]

MAX_API_BODY_BYTES = 64 * 1024
"""The largest real payload (a cart of 20 children and 20 groups with their options) is
under 4 KiB: 64 KiB leaves room for any client and none for a flood."""
MAX_JSON_DEPTH = 16
"""The deepest real payload (per-child cart options) nests 3 levels."""
RAW_BODY_OPT = "raw_body"
"""Handlers with this opt read their body themselves (the provider's signed webhook)."""

# A JSON string as one token, so brackets inside it do not count as nesting.
_NESTING_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BodyRefused(Exception):
    """A body refused before decoding; answered as a problem with this status and code."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code


def json_depth(body: bytes) -> int:
    """How deep objects and arrays nest in `body` (strings skipped), stopping past the limit."""
    depth = deepest = 0
    for token in _NESTING_TOKENS.finditer(body):
        mark = token.group()
        if mark in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                break
        elif mark in (b"]", b"}"):
            depth -= 1
    return deepest


def _declared_length(scope: Scope) -> int:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyRefused(413, "body_too_large")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def check_body(body: bytes) -> None:
    """Refuse a body that is not UTF-8 or nests deeper than any real payload."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyRefused(400, "body_malformed") from exc
    if json_depth(body) > MAX_JSON_DEPTH:
        raise BodyRefused(400, "body_malformed")


class StrictBodies(ASGIMiddleware):
    """Reads an API request's body whole, checks it, then hands the same bytes on."""

    scopes = (ScopeType.HTTP,)
    exclude_opt_key = RAW_BODY_OPT

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope.get("method") not in _BODY_METHODS or not scope["path"].startswith("/api/"):
            await next_app(scope, receive, send)
            return
        if _declared_length(scope) > MAX_API_BODY_BYTES:
            raise BodyRefused(413, "body_too_large")
        body = await _read_body(receive, MAX_API_BODY_BYTES)
        check_body(body)
        replayed = False

        async def replay() -> ReceiveMessage:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return HTTPRequestEvent(type="http.request", body=body, more_body=False)

        await next_app(scope, replay, send)
