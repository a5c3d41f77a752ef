"""A cookie read straight from an ASGI scope, for the layers that run before Litestar builds
a request (the early shed, the door limits): no `Request` object for one value."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from litestar.types import Scope

__all__ = ["scope_cookie"]


def scope_cookie(scope: Scope, name: str) -> str | None:
    """The cookie's value, or None when absent, empty, "null" or unreadable."""
    for header, value in scope["headers"]:
        if header == b"cookie":
            try:
                morsel = SimpleCookie(value.decode("latin-1")).get(name)
            except CookieError:
                return None
            return morsel.value if morsel and morsel.value not in ("", "null") else None
    return None
