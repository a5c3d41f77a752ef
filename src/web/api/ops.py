"""Ops controls of a sale's waiting room: open, pause, resume, close, pace; and its numbers."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, patch, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from rush.sales import close_sale, open_sale, pause_sale, prepare_room, resume_sale, set_pace
from rush.waiting_room import RoomStats
from web.auth import staff_only
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
    async def prepare(self, state: State, sale_id: FromPath[int]) -> dict[str, str]:
        """Create the waiting room from the sale's settings, so families can pre-queue."""
        services = resources(state).services
        return {"status": await prepare_room(services.pool, services.room, sale_id)}

    @post("/open", status_code=HTTP_200_OK, opt={"admin": True})
    async def open(self, state: State, sale_id: FromPath[int]) -> Opened:
        services = resources(state).services
        draw = await open_sale(services.pool, services.room, sale_id)
        return Opened(len(draw.families))

    @post("/pause", status_code=HTTP_200_OK, opt={"admin": True})
    async def pause(self, state: State, sale_id: FromPath[int]) -> RoomStats:
        services = resources(state).services
        await pause_sale(services.pool, services.room, sale_id)
        return await services.room.stats(sale_id)

    @post("/resume", status_code=HTTP_200_OK, opt={"admin": True})
    async def resume(self, state: State, sale_id: FromPath[int]) -> RoomStats:
        services = resources(state).services
        await resume_sale(services.pool, services.room, sale_id)
        return await services.room.stats(sale_id)

    @post("/close", status_code=HTTP_200_OK, opt={"admin": True})
    async def close(self, state: State, sale_id: FromPath[int]) -> RoomStats:
        services = resources(state).services
        await close_sale(services.pool, services.room, sale_id)
        return await services.room.stats(sale_id)

    @patch("/pace", opt={"admin": True})
    async def pace(self, state: State, sale_id: FromPath[int], data: JSONBody[Pace]) -> RoomStats:
        services = resources(state).services
        await set_pace(
            services.pool,
            services.room,
            sale_id,
            rate_per_min=data.rate_per_min,
            max_shoppers=data.max_shoppers,
        )
        return await services.room.stats(sale_id)
