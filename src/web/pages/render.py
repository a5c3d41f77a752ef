"""Rendering a page: the template plus everything it needs to speak the family's language."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.response import Template
from redis.exceptions import RedisError

from rush.families.accounts import Account
from rush.family_standing import family_standing
from web.admission import admitted_sales
from web.i18n import page_context
from web.state import resources

__all__ = ["SALES_ON_SHOW", "load_sales_on_show", "page", "signed_in"]

SALES_ON_SHOW = "sales_on_show"
"""Where a page request keeps the sales its header announces (`load_sales_on_show`)."""
FAMILY_STANDINGS = "family_standings"
"""And where the signed-in family stands in each of them, by sale id."""


def signed_in(request: Request[Any, Any, Any]) -> Account | None:
    """The account of a page request, if any (pages are public unless they say otherwise)."""
    session = request.scope.get("session")
    if not isinstance(session, dict) or not session.get("account"):
        return None
    return msgspec.convert(session["account"], Account)


async def load_sales_on_show(request: Request[Any, Any, Any]) -> None:
    """Before a page handler: the sales every page announces, from the process's reading,
    and where the signed-in family stands in each (not for the waiting room's own polls,
    which never show the header)."""
    services = resources(request.app.state).services
    sales = await services.sales.get(None)
    setattr(request.state, SALES_ON_SHOW, sales)
    account = signed_in(request)
    if account is None or account.family_id is None or request.headers.get("hx-request"):
        return
    standings = {}
    try:
        for sale in sales:
            standings[sale.id] = await family_standing(
                services, account.family_id, sale.id, sale.status
            )
    except (RedisError, OSError):
        # Redis away: the header falls back to the sale's usual step; the page still answers.
        standings = {}
    setattr(request.state, FAMILY_STANDINGS, standings)


def _help_line(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The help phone and its hours in the page's language, from the town's settings."""
    settings = resources(request.app.state).settings
    english = page_context(request)["locale"] == "en"
    hours = settings.help_hours_en if english else settings.help_hours_fr
    return {"phone": settings.help_phone, "hours": hours}


def page(
    request: Request[Any, Any, Any], name: str, status_code: int = 200, **context: Any
) -> Template:
    return Template(
        template_name=name,
        status_code=status_code,
        context={
            **page_context(request),
            "account": signed_in(request),
            "sales_on_show": getattr(request.state, SALES_ON_SHOW, []),
            "help_line": _help_line(request),
            "admitted_sales": admitted_sales(request),
            "standings": getattr(request.state, FAMILY_STANDINGS, {}),
            "request_path": request.url.path,
            **context,
        },
    )
