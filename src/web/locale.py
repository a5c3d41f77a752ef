"""Which language a request is answered in."""

from __future__ import annotations

from typing import Any

from litestar import Request

from rush.i18n import negotiate_locale

__all__ = ["request_locale"]


def request_locale(request: Request[Any, Any, Any]) -> str:
    """`?lang=`, else the session's language, else Accept-Language, else fr-CA."""
    explicit = request.query_params.get("lang")
    if explicit is None and "session" in request.scope:
        session = request.scope.get("session") or {}
        explicit = session.get("locale") if isinstance(session, dict) else None
    return negotiate_locale(request.headers.get("accept-language"), explicit)
