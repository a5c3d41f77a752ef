"""Errors met on a page are shown as a page; an anonymous visitor is sent to log in."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.response import Redirect

from web.pages.render import page

__all__ = ["is_page_request", "page_error"]

_NOT_PAGES = ("/api/", "/schema", "/health", "/static/")


def is_page_request(request: Request[Any, Any, Any]) -> bool:
    return not request.url.path.startswith(_NOT_PAGES)


def page_error(request: Request[Any, Any, Any], status: int, message: str) -> Response[Any]:
    if status == 401:
        return Redirect(f"/login?next={quote(request.url.path)}")
    if request.headers.get("hx-request"):
        # An htmx fragment: swap the message in where the fragment would have gone.
        fragment = f'<p class="error" role="alert">{escape(message)}</p>'
        return Response(fragment, status_code=200, media_type="text/html")
    return page(request, "pages/error.html", status_code=status, message=message)
