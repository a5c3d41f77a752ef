"""Admins approve or refuse the families waiting for approval (sites that ask for it).

`decide_and_tell` is the one path the page and the JSON API both take: decide, log, and have a
worker email the family its answer.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from rush.families.accounts import Account
from rush.families.approvals import decide_family, pending_families, recent_decisions
from rush.jobs import SEND_FAMILY_DECISION
from web.auth import current_account, staff_only
from web.pages.render import page
from web.state import Resources, resources

__all__ = ["FamiliesAdminPages", "decide_and_tell"]


class FamiliesAdminPages(Controller):
    path = "/ops/families"
    guards = [staff_only]
    include_in_schema = False

    @get("/", opt={"admin": True})
    async def families(self, request: Request[Any, Any, Any], state: State) -> Template:
        pool = resources(state).services.pool
        return page(
            request,
            "ops/families.html",
            pending=await pending_families(pool),
            decided=await recent_decisions(pool),
        )

    @post("/{family_id:int}/approve", opt={"admin": True})
    async def approve(
        self, request: Request[Any, Any, Any], state: State, family_id: FromPath[int]
    ) -> Redirect:
        return await _decide(request, state, family_id, approve=True)

    @post("/{family_id:int}/refuse", opt={"admin": True})
    async def refuse(
        self, request: Request[Any, Any, Any], state: State, family_id: FromPath[int]
    ) -> Redirect:
        return await _decide(request, state, family_id, approve=False)


async def _decide(
    request: Request[Any, Any, Any], state: State, family_id: int, *, approve: bool
) -> Redirect:
    await decide_and_tell(resources(state), current_account(request), family_id, approve=approve)
    return Redirect("/ops/families")


async def decide_and_tell(res: Resources, staff: Account, family_id: int, *, approve: bool) -> None:
    """Approve or refuse, logged; the email leaves from a worker. Unknown family: 404."""
    if not await decide_family(res.services.pool, staff.id, family_id, approve):
        raise NotFoundException()
    await res.jobs.enqueue_job(SEND_FAMILY_DECISION, family_id, approve)
