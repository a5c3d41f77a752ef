"""Which language a request is answered in."""

from __future__ import annotations

from typing import Any

from litestar import Request

from rush.i18n import negotiate_locale

__all__ = ["LANGUAGE_COOKIE", "request_locale"]

LANGUAGE_COOKIE = "rush_lang"
"""The language chosen on the site: a plain cookie, so a visitor costs no session in Redis."""


def request_locale(request: Request[Any, Any, Any]) -> str:
    """`?lang=`, else the language chosen on the site, else the session's (the account's),
    else Accept-Language, else fr-CA."""
    explicit = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    if explicit is None and "session" in request.scope:
        session = request.scope.get("session") or {}
        explicit = session.get("locale") if isinstance(session, dict) else None
    return negotiate_locale(request.headers.get("accept-language"), explicit)
