"""Admins approve or refuse the families waiting for approval (sites that ask for it), and see
the families refused a child another family already holds in a sale (`rush.child_claims`).

Each pending family shows its file as staff need it to decide (address, parents and their
phones, children with birth date and age, what is still missing). `decide_and_tell` is the one
path the page and the JSON API both take: decide, log, and have a worker email the family its
answer, with the reason of a refusal.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from rush.catalogue.eligibility import age_on
from rush.child_claims import duplicate_child_flags
from rush.families.accounts import Account
from rush.families.approvals import (
    REFUSAL_REASON_MAX,
    decide_family,
    families_to_decide,
    recent_decisions,
)
from rush.families.family_file_validation import quebec_today
from rush.jobs import SEND_FAMILY_DECISION
from web.auth import current_account, staff_only
from web.pages.render import page
from web.state import Resources, resources

__all__ = ["FamiliesAdminPages", "decide_and_tell"]

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


class FamiliesAdminPages(Controller):
    path = "/ops/families"
    guards = [staff_only]
    include_in_schema = False

    @get("/", opt={"admin": True})
    async def families(self, request: Request[Any, Any, Any], state: State) -> Template:
        services = resources(state).services
        today = quebec_today()
        return page(
            request,
            "ops/families.html",
            pending=await families_to_decide(services.pool, services.cipher),
            decided=await recent_decisions(services.pool),
            age=lambda birth_date: age_on(birth_date, today),
            reason_max=REFUSAL_REASON_MAX,
            duplicate_children=await duplicate_child_flags(services.pool),
        )

    @post("/{family_id:int}/approve", opt={"admin": True})
    async def approve(
        self, request: Request[Any, Any, Any], state: State, family_id: FromPath[int]
    ) -> Redirect:
        return await _decide(request, state, family_id, approve=True)

    @post("/{family_id:int}/refuse", opt={"admin": True})
    async def refuse(
        self, request: Request[Any, Any, Any], state: State, family_id: FromPath[int], data: Form
    ) -> Redirect:
        return await _decide(request, state, family_id, approve=False, reason=data.get("reason"))


async def _decide(
    request: Request[Any, Any, Any],
    state: State,
    family_id: int,
    *,
    approve: bool,
    reason: str | None = None,
) -> Redirect:
    staff = current_account(request)
    await decide_and_tell(resources(state), staff, family_id, approve=approve, reason=reason)
    return Redirect("/ops/families")


async def decide_and_tell(
    res: Resources, staff: Account, family_id: int, *, approve: bool, reason: str | None = None
) -> None:
    """Approve, or refuse with a reason, logged; the email leaves from a worker.

    Unknown family: 404; a refusal without a reason: 422, before anything changes.
    """
    if not await decide_family(
        res.services.pool, res.services.carts.staged, staff.id, family_id, approve, reason
    ):
        raise NotFoundException()
    await res.jobs.enqueue_job(SEND_FAMILY_DECISION, family_id, approve)
