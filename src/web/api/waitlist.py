"""Waitlists through the API: join a full group, see offers, accept one."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from rush.purchase.orders import CheckoutResult
from rush.purchase.waitlist import WaitlistEntry, accept_offer, family_waitlist, join_waitlist
from web.api.family import family_id_of
from web.auth import family_only
from web.state import resources


class JoinWaitlist(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    person_id: int
    group_id: int


class AcceptOffer(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    accept_terms: bool


class WaitlistController(Controller):
    path = "/api/v1/waitlist"
    tags = ["waitlist"]
    guards = [family_only]

    @get("/")
    async def entries(self, request: Request[Any, Any, Any], state: State) -> list[WaitlistEntry]:
        """The family's waitlist entries, offers included (with their deadline)."""
        return await family_waitlist(resources(state).services.pool, family_id_of(request))

    @post("/", status_code=HTTP_201_CREATED)
    async def join(
        self, request: Request[Any, Any, Any], state: State, data: JSONBody[JoinWaitlist]
    ) -> dict[str, int]:
        services = resources(state).services
        entry_id = await join_waitlist(
            services.pool, services.engine, family_id_of(request), data.person_id, data.group_id
        )
        return {"entry_id": entry_id}

    @post("/{entry_id:int}/accept", status_code=HTTP_200_OK)
    async def accept(
        self,
        request: Request[Any, Any, Any],
        state: State,
        entry_id: FromPath[int],
        data: JSONBody[AcceptOffer],
    ) -> CheckoutResult:
        """Take the offered place: an order on it, paid like any checkout."""
        res = resources(state)
        return await accept_offer(
            res.services,
            res.provider,
            family_id_of(request),
            entry_id,
            accept_terms=data.accept_terms,
            return_url=f"{res.settings.public_base_url}/api/v1/orders",
        )
