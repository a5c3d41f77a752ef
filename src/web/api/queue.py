"""The waiting room through the API: join, poll, and the admission token when admitted.

Joining (and any poll with the session) gives a signed `ticket_token`. Polling with it in the
`Rush-Queue-Ticket` header, at `.../queue/standing`, is the cheap poll of a rush: no session,
and while the family is in line no Redis call of its own (`rush.room.snapshots`).
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.params import FromPath, HeaderParameter
from litestar.status_codes import HTTP_200_OK

from rush.room.sales import join_queue
from rush.room.snapshots import queued_standing
from rush.room.waiting_room import QueueStanding
from web.api.family import family_id_of
from web.auth import current_account, family_only
from web.state import Resources, resources

TICKET_HEADER = "rush-queue-ticket"


class QueueStatus(msgspec.Struct, frozen=True):
    state: str
    ticket: int
    families_ahead: int
    eta_seconds: int | None
    poll_after_seconds: int
    room_status: str
    admission_token: str | None
    """Present once admitted: every hold request carries it in the `Rush-Admission` header."""
    ticket_token: str | None = None
    """Present once the family has a ticket: poll `.../queue/standing` with it."""


def _status(
    res: Resources,
    standing: QueueStanding,
    family_id: int,
    sale_id: int,
    ticket_token: str | None = None,
) -> QueueStatus:
    token = res.services.admission.token_for(standing, family_id, sale_id)
    if ticket_token is None and standing.ticket > 0:
        ticket_token = res.services.tickets.issue(
            family_id, sale_id, standing.ticket, standing.now_ms
        )
    return QueueStatus(
        state=standing.state.value,
        ticket=standing.ticket,
        families_ahead=standing.ahead,
        eta_seconds=standing.eta_seconds,
        poll_after_seconds=standing.poll_after_seconds,
        room_status=standing.room_status,
        admission_token=token,
        ticket_token=ticket_token,
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
        account_id = current_account(request).id
        standing = await join_queue(
            res.services.pool, res.services.room, sale_id, family_id, account_id
        )
        return _status(res, standing, family_id, sale_id)

    @get("/")
    async def status(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> QueueStatus:
        """Where the family stands: O(1) in Redis, the request most of a rush is made of."""
        res, family_id = resources(state), family_id_of(request)
        standing = await res.services.room.standing(sale_id, family_id, join=False)
        return _status(res, standing, family_id, sale_id)


class QueueTicketController(Controller):
    """Polls by signed ticket: the session is neither loaded nor needed."""

    path = "/api/v1/sales/{sale_id:int}/queue/standing"
    tags = ["waiting room"]
    opt = {"exclude_from_auth": True, "skip_session": True}

    @get("/")
    async def standing(
        self,
        state: State,
        sale_id: FromPath[int],
        ticket: Annotated[str | None, HeaderParameter(name=TICKET_HEADER, required=False)] = None,
    ) -> QueueStatus:
        """Where the ticket's family stands; 401 without a genuine ticket of this sale."""
        services = resources(state).services
        signed = services.tickets.read(ticket, sale_id)
        stats = await services.snapshots.get(sale_id)
        held = signed.require_unexpired(stats.now_ms)
        standing = queued_standing(stats, held)
        if standing is not None:
            return _status(resources(state), standing, held.family_id, sale_id, ticket)
        standing = await services.room.standing(sale_id, held.family_id, join=False)
        same = standing.ticket == held.ticket
        return _status(
            resources(state), standing, held.family_id, sale_id, ticket if same else None
        )
