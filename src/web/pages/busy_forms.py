"""The form a shed new arrival sees again: a message to stay and try again in N seconds,
and what the parent typed (never the password) still filled in."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Template
from litestar.utils.scope.state import ScopeState

from rush.i18n import error_message
from rush.load_shedding import ServersBusy
from web.locale import request_locale
from web.pages.render import page

__all__ = ["busy_form"]

CSRF_COOKIE = "csrftoken"
_FORMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "login": ("pages/login.html", ("email",)),
    "signup": ("pages/signup.html", ("first_name", "last_name", "email")),
    "queue_join": ("pages/queue_busy.html", ()),
}
"""Each door's form template, and the fields shown again."""


async def busy_form(request: Request[Any, Any, Any], door: str, busy: ServersBusy) -> Template:
    """The door's form again, answered before the CSRF middleware ran: it carries the token
    of the browser's CSRF cookie, which is what that middleware would have put in it."""
    template, kept = _FORMS[door]
    form: dict[str, str] = {}
    if kept:
        posted = await request.form()
        form = {name: str(posted.get(name) or "").strip() for name in kept}
    if token := request.cookies.get(CSRF_COOKIE):
        ScopeState.from_scope(request.scope).csrf_token = token
    message = error_message(busy.code, request_locale(request), retry_after=busy.retry_after)
    return page(request, template, status_code=busy.status, form=form, error=message)
