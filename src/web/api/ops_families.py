"""Staff approve or refuse families waiting for approval (AccèsCité-style sites)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from web.auth import current_account, staff_only
from web.ops.families_admin import decide_and_tell
from web.state import resources


class Refusal(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    reason: str
    """Why the file is refused, in words the family reads in its email."""


class OpsFamiliesController(Controller):
    path = "/api/v1/ops/families/{family_id:int}"
    tags = ["ops"]
    guards = [staff_only]

    @post("/approve", status_code=HTTP_200_OK, opt={"admin": True})
    async def approve(
        self, request: Request[Any, Any, Any], state: State, family_id: FromPath[int]
    ) -> dict[str, str]:
        await decide_and_tell(resources(state), current_account(request), family_id, approve=True)
        return {"status": "approved"}

    @post("/refuse", status_code=HTTP_200_OK, opt={"admin": True})
    async def refuse(
        self,
        request: Request[Any, Any, Any],
        state: State,
        family_id: FromPath[int],
        data: JSONBody[Refusal],
    ) -> dict[str, str]:
        await decide_and_tell(
            resources(state),
            current_account(request),
            family_id,
            approve=False,
            reason=data.reason,
        )
        return {"status": "refused"}
