"""Every error leaves as RFC 9457 problem details, with a stable code and a message in the
caller's language (fr-CA by default, en on request)."""

from __future__ import annotations

import logging
import re
from typing import Any

import asyncpg
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    TooManyRequestsException,
    ValidationException,
)
from litestar.types import ExceptionHandlersMap

from rush.config import Settings
from rush.errors import RushError
from rush.i18n import error_message
from rush.outages import TRANSIENT_FAILURES
from web.locale import request_locale
from web.pages.errors import is_page_request, page_error
from web.strict_bodies import BodyRefused

__all__ = [
    "MEDIA_TYPE",
    "REFUSED_INPUT",
    "exception_handlers",
    "problem",
    "problem_body",
    "request_locale",
]

MEDIA_TYPE = "application/problem+json"

log = logging.getLogger("rush.web")

_CODE_BY_HTTP = (
    (ValidationException, "validation_failed"),
    (NotAuthorizedException, "not_authenticated"),
    (PermissionDeniedException, "forbidden"),
    (NotFoundException, "not_found"),
    (TooManyRequestsException, "rate_limited"),
)

_UNKNOWN_FIELD = re.compile(r"unknown field `([^`]+)`")


def _public_params(exc: RushError) -> dict[str, Any]:
    return {
        key: value
        for key, value in vars(exc).items()
        if not key.startswith("_") and isinstance(value, str | int | list)
    }


def _problem(
    request: Request[Any, Any, Any],
    status: int,
    code: str,
    params: dict[str, Any],
    extra: Any = None,
) -> Response[Any]:
    if is_page_request(request):
        locale = request_locale(request)
        message = error_message(code, locale, **_town_params(request), **params)
        return page_error(request, status, message)
    return problem(request, status, code, params, extra)


def problem(
    request: Request[Any, Any, Any],
    status: int,
    code: str,
    params: dict[str, Any],
    extra: Any = None,
) -> Response[Any]:
    """The problem details of `code` in the caller's language, as the API answers it."""
    locale = request_locale(request)
    message = error_message(code, locale, **_town_params(request), **params)
    body = problem_body(status, code, message, request.url.path, params)
    if extra:
        body["errors"] = extra
    return Response(
        body, status_code=status, media_type=MEDIA_TYPE, headers={"content-language": locale}
    )


def problem_body(
    status: int, code: str, message: str, instance: str, params: dict[str, Any]
) -> dict[str, Any]:
    """RFC 9457 problem details as Rush writes them (also by the early shed, which has no
    request object): the message in the caller's language as both title and detail."""
    return {
        "type": f"https://rush.example/problems/{code}",
        "title": message,
        "status": status,
        "code": code,
        "detail": message,
        "instance": instance,
        **params,
    }


def _town_params(request: Request[Any, Any, Any]) -> dict[str, str]:
    """What a message may tell a family to do, from the town's settings (whom to call)."""
    settings: Settings | None = getattr(request.app.state, "settings", None)
    return {"help_phone": settings.help_phone} if settings else {}


def _rush_error(request: Request[Any, Any, Any], exc: RushError) -> Response[Any]:
    return _problem(request, exc.status, exc.code, _public_params(exc))


def _unknown_fields(errors: Any) -> list[str]:
    """The fields msgspec refused as unknown (`forbid_unknown_fields` on request structs)."""
    if not isinstance(errors, list):
        return []
    return [
        found.group(1)
        for error in errors
        if isinstance(error, dict)
        and (found := _UNKNOWN_FIELD.search(str(error.get("message", ""))))
    ]


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    code = next((c for kind, c in _CODE_BY_HTTP if isinstance(exc, kind)), None)
    if code == "forbidden" and exc.detail.startswith("CSRF"):
        code = "csrf_failed"  # Litestar's CSRF refusal: a stale form, not a missing right
    if code is None:
        code = "internal_error" if exc.status_code >= 500 else "bad_request"
    extra = exc.extra if isinstance(exc, ValidationException) else None
    if unknown := _unknown_fields(extra):
        return _problem(request, exc.status_code, "unknown_fields", {"fields": ", ".join(unknown)})
    response = _problem(request, exc.status_code, code, {}, extra)
    response.headers.update(exc.headers or {})  # a 429's Retry-After, say
    return response


def _body_refused(request: Request[Any, Any, Any], exc: BodyRefused) -> Response[Any]:
    return _problem(request, exc.status, exc.code, {})


def _out_of_range(request: Request[Any, Any, Any], _: Exception) -> Response[Any]:
    """An id past 64 bits or a NUL byte in a name: input no row can match, refused as such."""
    return _problem(request, 400, "validation_failed", {})


REFUSED_INPUT: tuple[type[Exception], ...] = (asyncpg.DataError, OverflowError, BodyRefused)
"""Input refused as such (4xx): an answer, not a failure worth a traceback."""

RETRY_AFTER_S = 2


def _servers_away(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """503 with Retry-After rather than a bare 500 when a server is away or two transactions
    crossed: the family's phone (or a load balancer) can try again in a moment, and the
    message says so in the family's language."""
    log.warning("a server is away: %s", type(exc).__name__)
    response = _problem(request, 503, "service_unavailable", {})
    response.headers["retry-after"] = str(RETRY_AFTER_S)
    return response


def exception_handlers() -> ExceptionHandlersMap:
    handlers: ExceptionHandlersMap = {
        RushError: _rush_error,
        HTTPException: _http_error,
        asyncpg.DataError: _out_of_range,
        OverflowError: _out_of_range,
        BodyRefused: _body_refused,
    }
    handlers.update(dict.fromkeys(TRANSIENT_FAILURES, _servers_away))
    return handlers
