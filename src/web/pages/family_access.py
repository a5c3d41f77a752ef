"""Who a family page is for: the signed-in family, never one named in the request."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException

from web.pages.render import signed_in

__all__ = ["page_family_id"]


def page_family_id(request: Request[Any, Any, Any]) -> int:
    account = signed_in(request)
    if account is None:
        raise NotAuthorizedException()
    if account.family_id is None:
        raise PermissionDeniedException()
    return account.family_id
