"""Joining a full group's waitlist from the catalogue."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template

from rush.errors import RushError
from rush.families.accounts import family_persons
from rush.i18n import error_message
from rush.purchase.waitlist import join_waitlist
from web.auth import family_only
from web.locale import request_locale
from web.pages.family_access import page_family_id
from web.pages.render import page
from web.state import resources

__all__ = ["WaitlistPages"]

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


class WaitlistPages(Controller):
    guards = [family_only]
    path = "/waitlist"
    include_in_schema = False

    @get("/join")
    async def join_form(
        self, request: Request[Any, Any, Any], state: State, group_id: FromQuery[int]
    ) -> Template:
        family_id = page_family_id(request)
        children = [
            p
            for p in await family_persons(resources(state).services.pool, family_id)
            if p.role == "child"
        ]
        return page(
            request, "pages/waitlist_join.html", group_id=group_id, children=children, error=None
        )

    @post("/join")
    async def join(
        self, request: Request[Any, Any, Any], state: State, data: Form
    ) -> Template | Redirect:
        services, family_id = resources(state).services, page_family_id(request)
        try:
            await join_waitlist(
                services.pool,
                services.engine,
                family_id,
                int(data.get("person_id", "0") or 0),
                int(data.get("group_id", "0") or 0),
            )
        except (RushError, ValueError) as exc:
            code = exc.code if isinstance(exc, RushError) else "validation_failed"
            children = [
                p for p in await family_persons(services.pool, family_id) if p.role == "child"
            ]
            return page(
                request,
                "pages/waitlist_join.html",
                status_code=409,
                group_id=data.get("group_id"),
                children=children,
                error=error_message(code, request_locale(request)),
            )
        return Redirect("/records")
