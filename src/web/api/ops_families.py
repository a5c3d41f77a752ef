"""Staff approve or refuse families waiting for approval (AccèsCité-style sites)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK

from web.auth import current_account, staff_only
from web.ops.families_admin import decide_and_tell
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
    staff = current_account(request)
    await decide_and_tell(resources(state), staff, family_id, approve=status == "approved")
    return {"status": status}
