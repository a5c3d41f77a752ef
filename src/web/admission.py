"""Where a request carries its admission token: the `Rush-Admission` header (API) or the
server-side session (pages). Checking it is `rush.room.admission`'s job, for every door."""

from __future__ import annotations

from typing import Any

from litestar import Request

__all__ = [
    "ADMISSION_HEADER",
    "admission_token",
    "admitted_sales",
    "forget_admission",
    "remember_admission",
]

ADMISSION_HEADER = "rush-admission"


def remember_admission(request: Request[Any, Any, Any], sale_id: int, token: str) -> None:
    """Pages keep the admission token in the (server-side) session instead of a header."""
    _set_admissions(request, {**_admissions(request), str(sale_id): token})


def forget_admission(request: Request[Any, Any, Any], sale_id: int) -> None:
    """The room no longer admits the family: its pages stop offering to pay."""
    admissions = _admissions(request)
    if admissions.pop(str(sale_id), None) is not None:
        _set_admissions(request, admissions)


def admission_token(request: Request[Any, Any, Any], sale_id: int) -> str | None:
    """The token this request carries for the sale, from its header or else its session."""
    token = request.headers.get(ADMISSION_HEADER) or _admissions(request).get(str(sale_id))
    return token if isinstance(token, str) else None


def admitted_sales(request: Request[Any, Any, Any]) -> set[int]:
    """The sales whose admission token the session keeps: where "Go to my cart" leads."""
    return {int(sale_id) for sale_id in _admissions(request) if sale_id.isdigit()}


def _admissions(request: Request[Any, Any, Any]) -> dict[str, Any]:
    session = request.scope.get("session")
    found = session.get("admissions", {}) if isinstance(session, dict) else {}
    return dict(found) if isinstance(found, dict) else {}


def _set_admissions(request: Request[Any, Any, Any], admissions: dict[str, Any]) -> None:
    session = dict(request.session) if isinstance(request.scope.get("session"), dict) else {}
    session["admissions"] = admissions
    request.set_session(session)
