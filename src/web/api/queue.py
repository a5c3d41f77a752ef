"""The waiting room through the API: join, poll, and the admission token when admitted."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK

from rush.sales import join_queue
from rush.waiting_room import QueueStanding, QueueState
from web.api.family import family_id_of
from web.auth import family_only
from web.state import Resources, resources


class QueueStatus(msgspec.Struct, frozen=True):
    state: str
    ticket: int
    families_ahead: int
    eta_seconds: int | None
    poll_after_seconds: int
    room_status: str
    admission_token: str | None
    """Present once admitted: every hold request carries it in the `Rush-Admission` header."""


def _status(res: Resources, standing: QueueStanding, family_id: int, sale_id: int) -> QueueStatus:
    token = None
    if standing.state is QueueState.ADMITTED:
        token = res.services.tokens.issue(family_id, sale_id, standing.now_ms)
    return QueueStatus(
        state=standing.state.value,
        ticket=standing.ticket,
        families_ahead=standing.ahead,
        eta_seconds=standing.eta_seconds,
        poll_after_seconds=standing.poll_after_seconds,
        room_status=standing.room_status,
        admission_token=token,
    )


class QueueController(Controller):
    path = "/api/v1/sales/{sale_id:int}/queue"
    tags = ["waiting room"]
    guards = [family_only]

    @post("/", status_code=HTTP_200_OK)
    async def join(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> QueueStatus:
        """Take the family's place (the same one from every device of the family)."""
        res, family_id = resources(state), family_id_of(request)
        standing = await join_queue(res.services.pool, res.services.room, sale_id, family_id)
        return _status(res, standing, family_id, sale_id)

    @get("/")
    async def status(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> QueueStatus:
        """Where the family stands: O(1) in Redis, the request most of a rush is made of."""
        res, family_id = resources(state), family_id_of(request)
        standing = await res.services.room.standing(sale_id, family_id, join=False)
        return _status(res, standing, family_id, sale_id)
