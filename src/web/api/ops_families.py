"""Staff approve or refuse families waiting for approval (AccèsCité-style sites)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK

from rush.families import set_family_status
from rush.staff_log import log_staff_action
from web.auth import current_account, staff_only
from web.state import resources


class OpsFamiliesController(Controller):
    path = "/api/v1/ops/families/{family_id:int}"
    tags = ["ops"]
    guards = [staff_only]

    @post("/approve", status_code=HTTP_200_OK, opt={"admin": True})
    async def approve(
        self, request: Request[Any, Any, Any], state: State, family_id: FromPath[int]
    ) -> dict[str, str]:
        return await _set(request, state, family_id, "approved")

    @post("/refuse", status_code=HTTP_200_OK, opt={"admin": True})
    async def refuse(
        self, request: Request[Any, Any, Any], state: State, family_id: FromPath[int]
    ) -> dict[str, str]:
        return await _set(request, state, family_id, "refused")


async def _set(
    request: Request[Any, Any, Any], state: State, family_id: int, status: str
) -> dict[str, str]:
    pool = resources(state).services.pool
    if not await set_family_status(pool, family_id, status):
        raise NotFoundException()
    staff = current_account(request)
    await log_staff_action(pool, staff.id, f"family_{status}", None, family_id=family_id)
    return {"status": status}
