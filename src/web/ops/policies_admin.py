"""Admins write the payment terms and the refund policy families accept, in both languages."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from rush.errors import RushError
from rush.i18n import error_message
from rush.purchase.policies import POLICY_KINDS, current_policies, publish_policy
from web.auth import current_account, staff_only
from web.locale import request_locale
from web.pages.render import page
from web.state import resources

__all__ = ["PoliciesAdminPages"]

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


class PoliciesAdminPages(Controller):
    path = "/ops/admin/policies"
    guards = [staff_only]
    include_in_schema = False

    @get("/", opt={"admin": True})
    async def policies(
        self, request: Request[Any, Any, Any], state: State, published: FromQuery[str | None] = None
    ) -> Template:
        current = await current_policies(resources(state).services.pool)
        return page(
            request,
            "ops/admin/policies.html",
            policies=current,
            error=None,
            published=published in POLICY_KINDS,
        )

    @post("/{kind:str}", opt={"admin": True})
    async def publish(
        self, request: Request[Any, Any, Any], state: State, kind: FromPath[str], data: Form
    ) -> Template | Redirect:
        """A new version of one policy; the page answers what was published, or why not."""
        pool = resources(state).services.pool
        if kind not in POLICY_KINDS:
            return Redirect("/ops/admin/policies")
        try:
            await publish_policy(
                pool,
                current_account(request).id,
                kind,
                data.get("body_fr", ""),
                data.get("body_en", ""),
            )
        except RushError as exc:
            current = await current_policies(pool)
            message = error_message(exc.code, request_locale(request))
            return page(
                request, "ops/admin/policies.html", status_code=422, policies=current, error=message
            )
        return Redirect("/ops/admin/policies?published=" + kind)
