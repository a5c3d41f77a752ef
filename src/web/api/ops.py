"""Ops controls of a sale's waiting room: open, pause, resume, close, pace; and its numbers."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from rush.ops.sale_controls import SaleControls
from rush.room.waiting_room import RoomStats
from web.auth import current_account, staff_only
from web.state import resources


class Pace(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    rate_per_min: Annotated[int, msgspec.Meta(ge=0, le=100_000)] | None = None
    max_shoppers: Annotated[int, msgspec.Meta(ge=1, le=100_000)] | None = None


class Opened(msgspec.Struct, frozen=True):
    drawn_families: int


def _controls(request: Request[Any, Any, Any], state: State) -> SaleControls:
    return SaleControls(resources(state).services, current_account(request).id)


async def _room_stats(state: State, sale_id: int) -> RoomStats:
    return await resources(state).services.room.stats(sale_id)


class OpsSaleController(Controller):
    path = "/api/v1/ops/sales/{sale_id:int}"
    tags = ["ops"]
    guards = [staff_only]

    @get("/queue")
    async def queue_stats(self, state: State, sale_id: FromPath[int]) -> RoomStats:
        """Pre-queue, waiting, shopping, admitted, measured and configured pace."""
        return await _room_stats(state, sale_id)

    @post("/prepare", status_code=HTTP_200_OK, opt={"admin": True})
    async def prepare(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> dict[str, str]:
        """Create the waiting room from the sale's settings, so families can pre-queue."""
        return {"status": await _controls(request, state).prepare(sale_id)}

    @post("/open", status_code=HTTP_200_OK, opt={"admin": True})
    async def open(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> Opened:
        draw = await _controls(request, state).open(sale_id)
        return Opened(len(draw.families))

    @post("/pause", status_code=HTTP_200_OK, opt={"admin": True})
    async def pause(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> RoomStats:
        await _controls(request, state).pause(sale_id)
        return await _room_stats(state, sale_id)

    @post("/resume", status_code=HTTP_200_OK, opt={"admin": True})
    async def resume(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> RoomStats:
        await _controls(request, state).resume(sale_id)
        return await _room_stats(state, sale_id)

    @post("/close", status_code=HTTP_200_OK, opt={"admin": True})
    async def close(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> RoomStats:
        await _controls(request, state).close(sale_id)
        return await _room_stats(state, sale_id)

    @patch("/pace", opt={"admin": True})
    async def pace(
        self,
        request: Request[Any, Any, Any],
        state: State,
        sale_id: FromPath[int],
        data: JSONBody[Pace],
    ) -> RoomStats:
        await _controls(request, state).pace(
            sale_id, rate_per_min=data.rate_per_min, max_shoppers=data.max_shoppers
        )
        return await _room_stats(state, sale_id)
