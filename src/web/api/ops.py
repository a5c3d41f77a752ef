"""Ops controls of a sale's waiting room: open, pause, resume, close, pace; and its numbers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import asyncpg
import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from rush.ops.staff_log import log_staff_action
from rush.room.sales import close_sale, open_sale, pause_sale, prepare_room, resume_sale, set_pace
from rush.room.waiting_room import RoomStats, WaitingRoom
from web.auth import current_account, staff_only
from web.state import resources


class Pace(msgspec.Struct, frozen=True):
    rate_per_min: Annotated[int, msgspec.Meta(ge=0, le=100_000)] | None = None
    max_shoppers: Annotated[int, msgspec.Meta(ge=1, le=100_000)] | None = None


class Opened(msgspec.Struct, frozen=True):
    drawn_families: int


class OpsSaleController(Controller):
    path = "/api/v1/ops/sales/{sale_id:int}"
    tags = ["ops"]
    guards = [staff_only]

    @get("/queue")
    async def queue_stats(self, state: State, sale_id: FromPath[int]) -> RoomStats:
        """Pre-queue, waiting, shopping, admitted, measured and configured pace."""
        return await resources(state).services.room.stats(sale_id)

    @post("/prepare", status_code=HTTP_200_OK, opt={"admin": True})
    async def prepare(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> dict[str, str]:
        """Create the waiting room from the sale's settings, so families can pre-queue."""
        services = resources(state).services
        status = await prepare_room(services.pool, services.room, sale_id)
        await _log(request, state, "prepare", sale_id)
        return {"status": status}

    @post("/open", status_code=HTTP_200_OK, opt={"admin": True})
    async def open(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> Opened:
        services = resources(state).services
        draw = await open_sale(services.pool, services.room, sale_id)
        await _log(request, state, "open", sale_id, drawn=len(draw.families))
        return Opened(len(draw.families))

    @post("/pause", status_code=HTTP_200_OK, opt={"admin": True})
    async def pause(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> RoomStats:
        return await _transition(request, state, sale_id, "pause", pause_sale)

    @post("/resume", status_code=HTTP_200_OK, opt={"admin": True})
    async def resume(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> RoomStats:
        return await _transition(request, state, sale_id, "resume", resume_sale)

    @post("/close", status_code=HTTP_200_OK, opt={"admin": True})
    async def close(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> RoomStats:
        return await _transition(request, state, sale_id, "close", close_sale)

    @patch("/pace", opt={"admin": True})
    async def pace(
        self,
        request: Request[Any, Any, Any],
        state: State,
        sale_id: FromPath[int],
        data: JSONBody[Pace],
    ) -> RoomStats:
        services = resources(state).services
        await set_pace(
            services.pool,
            services.room,
            sale_id,
            rate_per_min=data.rate_per_min,
            max_shoppers=data.max_shoppers,
        )
        await _log(
            request,
            state,
            "pace",
            sale_id,
            rate_per_min=data.rate_per_min,
            max_shoppers=data.max_shoppers,
        )
        return await services.room.stats(sale_id)


async def _log(
    request: Request[Any, Any, Any], state: State, action: str, sale_id: int, **details: Any
) -> None:
    staff = current_account(request)
    await log_staff_action(resources(state).services.pool, staff.id, action, sale_id, **details)


async def _transition(
    request: Request[Any, Any, Any],
    state: State,
    sale_id: int,
    name: str,
    change: Callable[[asyncpg.Pool, WaitingRoom, int], Awaitable[None]],
) -> RoomStats:
    """Pause, resume or close: change the sale, log who did it, answer the room's numbers."""
    services = resources(state).services
    await change(services.pool, services.room, sale_id)
    await _log(request, state, name, sale_id)
    return await services.room.stats(sale_id)
