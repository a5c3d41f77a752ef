"""Rendering a page: the template plus everything it needs to speak the family's language."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.response import Template

from rush.families.accounts import Account
from web.i18n import page_context

__all__ = ["page", "signed_in"]


def signed_in(request: Request[Any, Any, Any]) -> Account | None:
    """The account of a page request, if any (pages are public unless they say otherwise)."""
    session = request.scope.get("session")
    if not isinstance(session, dict) or not session.get("account"):
        return None
    return msgspec.convert(session["account"], Account)


def page(
    request: Request[Any, Any, Any], name: str, status_code: int = 200, **context: Any
) -> Template:
    return Template(
        template_name=name,
        status_code=status_code,
        context={
            **page_context(request),
            "account": signed_in(request),
            "request_path": request.url.path,
            **context,
        },
    )
