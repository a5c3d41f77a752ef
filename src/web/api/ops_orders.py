"""Admins cancel a registration or a whole order, with its refund, through the JSON API."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar import Controller, Request, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from rush.purchase.instalment_charges import ChargeAsked, retry_charge_now
from rush.purchase.staff_cancellations import CancelOutcome, cancel_and_refund
from web.auth import current_account, staff_only
from web.state import resources

__all__ = ["CancelRequest", "OpsOrdersController"]


class CancelRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    registration_id: int | None = None
    """None cancels every active place of the order."""
    amount_cents: int | None = None
    """None refunds the price of the cancelled places (at most what was paid)."""
    with_daycare: bool = True
    """Cancel the child's daycare slots of the cancelled camp weeks too: a daycare slot is not
    allowed without its week."""


class OpsOrdersController(Controller):
    path = "/api/v1/ops/orders/{order_id:uuid}"
    tags = ["ops"]
    guards = [staff_only]

    @post("/cancel", status_code=HTTP_200_OK, opt={"admin": True})
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        state: State,
        order_id: FromPath[uuid.UUID],
        data: JSONBody[CancelRequest],
    ) -> CancelOutcome:
        """Idempotent: a repeated request cancels and refunds nothing more."""
        res = resources(state)
        return await cancel_and_refund(
            res.services,
            res.jobs,
            current_account(request).id,
            order_id,
            registration_id=data.registration_id,
            amount_cents=data.amount_cents,
            with_daycare=data.with_daycare,
        )

    @post("/retry-charge", status_code=HTTP_200_OK, opt={"admin": True})
    async def retry_charge(
        self, request: Request[Any, Any, Any], state: State, order_id: FromPath[uuid.UUID]
    ) -> ChargeAsked:
        """Charge the saved card for the unpaid second instalment now, from a worker (409
        `no_charge_to_retry` when it is paid, under way, or no card is saved); the outcome
        comes by the provider's webhook."""
        res = resources(state)
        return await retry_charge_now(res.services, res.jobs, current_account(request).id, order_id)
