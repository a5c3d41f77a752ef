"""Checkout and the family's orders."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from rush.purchase.orders import CheckoutResult, order_view
from rush.purchase.payment_retry import pay_again
from rush.purchase.shopping import check_out
from web.admission import admission_token
from web.api.family import family_id_of
from web.auth import family_only
from web.locale import request_locale
from web.state import resources


class CheckoutRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    accept_terms: bool
    instalments: Annotated[int, msgspec.Meta(ge=1, le=2)] = 1
    authorise_second_instalment: bool = False
    """Required with two instalments: the family authorises the town to charge the second
    instalment, on its due date, to the card it pays the first with (422
    `instalment_consent_missing` without it)."""


class CheckoutController(Controller):
    path = "/api/v1"
    tags = ["checkout"]
    guards = [family_only]

    @post("/sales/{sale_id:int}/checkout", status_code=HTTP_200_OK)
    async def checkout(
        self,
        request: Request[Any, Any, Any],
        state: State,
        sale_id: FromPath[int],
        data: JSONBody[CheckoutRequest],
    ) -> CheckoutResult:
        """Accept the terms, choose 1 or 2 instalments; answers the provider's payment page."""
        res = resources(state)
        return await check_out(
            res.services,
            family_id_of(request),
            sale_id,
            admission_token(request, sale_id),
            accept_terms=data.accept_terms,
            instalments=data.instalments,
            return_url=f"{res.settings.public_base_url}/api/v1/orders",
            authorise_second_instalment=data.authorise_second_instalment,
            locale=request_locale(request),
        )

    @post("/orders/{order_id:uuid}/pay", status_code=HTTP_200_OK)
    async def pay_again(
        self, request: Request[Any, Any, Any], state: State, order_id: FromPath[uuid.UUID]
    ) -> CheckoutResult:
        """After a declined card: a new payment page while the places are held (409
        `hold_expired` once they went back); an attempt still open is answered again."""
        res = resources(state)
        return await pay_again(
            res.services,
            family_id_of(request),
            order_id,
            f"{res.settings.public_base_url}/api/v1/orders",
        )

    @get("/orders/{order_id:uuid}")
    async def order(
        self, request: Request[Any, Any, Any], state: State, order_id: FromPath[uuid.UUID]
    ) -> CheckoutResult:
        """One of the family's orders; another family's order does not exist for it."""
        return await order_view(resources(state).services.pool, order_id, family_id_of(request))
