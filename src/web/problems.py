"""Every error leaves as RFC 9457 problem details, with a stable code and a message in the
caller's language (fr-CA by default, en on request)."""

from __future__ import annotations

from typing import Any

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

from rush.errors import RushError
from rush.i18n import error_message
from web.locale import request_locale
from web.pages.errors import is_page_request, page_error

__all__ = ["exception_handlers", "request_locale"]

MEDIA_TYPE = "application/problem+json"

_STATUS_BY_CODE = {
    "sold_out": 409,
    "unknown_group": 404,
    "hold_expired": 409,
    "already_paid": 409,
    "capacity_below_committed": 409,
    "invalid_hold": 400,
    "unknown_sale": 404,
    "sale_closed": 409,
    "not_admitted": 403,
    "invalid_admission": 403,
    "room_transition_refused": 409,
    "email_taken": 409,
    "invalid_credentials": 401,
    "person_not_found": 404,
    "invalid_cart": 400,
    "not_eligible_age": 422,
    "already_registered": 409,
    "already_in_cart": 409,
    "child_cap_reached": 409,
    "sale_not_open": 409,
    "cart_empty": 409,
    "terms_not_accepted": 422,
    "instalments_not_offered": 422,
    "order_not_found": 404,
    "invalid_webhook": 400,
    "places_available": 409,
    "offer_not_available": 409,
    "account_pending": 403,
    "invalid_account_link": 400,
    "family_file_invalid": 400,
    "undecryptable_field": 409,
    "unknown_family": 404,
    "receipt_unavailable": 404,
}

_CODE_BY_HTTP = (
    (ValidationException, "validation_failed"),
    (NotAuthorizedException, "not_authenticated"),
    (PermissionDeniedException, "forbidden"),
    (NotFoundException, "not_found"),
    (TooManyRequestsException, "rate_limited"),
)


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
    locale = request_locale(request)
    if is_page_request(request):
        return page_error(request, status, error_message(code, locale, **params))
    body: dict[str, Any] = {
        "type": f"https://rush.example/problems/{code}",
        "title": error_message(code, locale, **params),
        "status": status,
        "code": code,
        "detail": error_message(code, locale, **params),
        "instance": request.url.path,
        **params,
    }
    if extra:
        body["errors"] = extra
    return Response(
        body, status_code=status, media_type=MEDIA_TYPE, headers={"content-language": locale}
    )


def _rush_error(request: Request[Any, Any, Any], exc: RushError) -> Response[Any]:
    return _problem(request, _STATUS_BY_CODE.get(exc.code, 400), exc.code, _public_params(exc))


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    code = next((c for kind, c in _CODE_BY_HTTP if isinstance(exc, kind)), None)
    if code is None:
        code = "internal_error" if exc.status_code >= 500 else "bad_request"
    extra = exc.extra if isinstance(exc, ValidationException) else None
    return _problem(request, exc.status_code, code, {}, extra)


def exception_handlers() -> ExceptionHandlersMap:
    return {RushError: _rush_error, HTTPException: _http_error}
