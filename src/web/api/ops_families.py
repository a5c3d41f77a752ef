"""Staff approve or refuse families waiting for approval (AccèsCité-style sites)."""

from __future__ import annotations

from litestar import Controller, post
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK

from rush.families import set_family_status
from web.auth import staff_only
from web.state import resources


class OpsFamiliesController(Controller):
    path = "/api/v1/ops/families/{family_id:int}"
    tags = ["ops"]
    guards = [staff_only]

    @post("/approve", status_code=HTTP_200_OK, opt={"admin": True})
    async def approve(self, state: State, family_id: FromPath[int]) -> dict[str, str]:
        return await _set(state, family_id, "approved")

    @post("/refuse", status_code=HTTP_200_OK, opt={"admin": True})
    async def refuse(self, state: State, family_id: FromPath[int]) -> dict[str, str]:
        return await _set(state, family_id, "refused")


async def _set(state: State, family_id: int, status: str) -> dict[str, str]:
    if not await set_family_status(resources(state).services.pool, family_id, status):
        raise NotFoundException()
    return {"status": status}
