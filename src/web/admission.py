"""Checking that a request comes from an admitted family, for every hold it makes."""

from __future__ import annotations

from typing import Any

from litestar import Request

from rush.errors import InvalidAdmissionToken
from web.state import Resources

__all__ = ["ADMISSION_HEADER", "remember_admission", "require_admission", "session_admission"]

ADMISSION_HEADER = "rush-admission"


def remember_admission(request: Request[Any, Any, Any], sale_id: int, token: str) -> None:
    """Pages keep the admission token in the (server-side) session instead of a header."""
    session = dict(request.session) if isinstance(request.scope.get("session"), dict) else {}
    admissions = dict(session.get("admissions", {}))
    admissions[str(sale_id)] = token
    session["admissions"] = admissions
    request.set_session(session)


def session_admission(request: Request[Any, Any, Any], sale_id: int) -> str | None:
    session = request.scope.get("session")
    if not isinstance(session, dict):
        return None
    token = session.get("admissions", {}).get(str(sale_id))
    return token if isinstance(token, str) else None


async def require_admission(
    request: Request[Any, Any, Any], res: Resources, family_id: int, sale_id: int
) -> None:
    """The family must still be shopping (Redis) and carry its own unexpired signed token."""
    token = request.headers.get(ADMISSION_HEADER) or session_admission(request, sale_id)
    if not token:
        raise InvalidAdmissionToken("an admission token is required")
    now_ms = await res.services.room.touch(sale_id, family_id)
    res.services.tokens.verify(token, family_id, sale_id, now_ms)
