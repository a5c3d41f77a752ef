"""The cart through the API: prepare it before opening, hold it once admitted."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from rush.purchase.carts import CartView
from rush.purchase.shopping import add_to_cart, hold_at_admission, more_time
from web.admission import admission_token
from web.api.family import family_id_of
from web.auth import family_only
from web.state import resources

Ids = Annotated[list[int], msgspec.Meta(min_length=1, max_length=20)]


class AddToCart(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    person_ids: Ids
    group_ids: Ids
    options: dict[str, str] = {}
    options_by_person: dict[int, dict[str, str]] = {}
    """Per-child options over `options`, e.g. {"12": {"tshirt_size": "10-12"}}."""


class CartController(Controller):
    path = "/api/v1/sales/{sale_id:int}/cart"
    tags = ["cart"]
    guards = [family_only]

    @get("/")
    async def view(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> CartView:
        """The cart with its countdown (`expires_in_ms`, by the server's clock)."""
        return await resources(state).services.carts.view(family_id_of(request), sale_id)

    @post("/items", status_code=HTTP_200_OK)
    async def add(
        self,
        request: Request[Any, Any, Any],
        state: State,
        sale_id: FromPath[int],
        data: JSONBody[AddToCart],
    ) -> CartView:
        """Before opening: a draft. Once open: admitted families only, places held at once."""
        return await add_to_cart(
            resources(state).services,
            family_id_of(request),
            sale_id,
            data.person_ids,
            data.group_ids,
            data.options,
            admission_token(request, sale_id),
            data.options_by_person,
        )

    @delete("/items/{item_id:int}", status_code=HTTP_200_OK)
    async def remove(
        self,
        request: Request[Any, Any, Any],
        state: State,
        sale_id: FromPath[int],
        item_id: FromPath[int],
    ) -> CartView:
        return await resources(state).services.carts.remove(
            family_id_of(request), sale_id, [item_id]
        )

    @post("/more-time", status_code=HTTP_200_OK)
    async def ask_more_time(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> CartView:
        """More time to pay: each live hold runs again for its time-to-live, up to its cap."""
        return await more_time(
            resources(state).services,
            family_id_of(request),
            sale_id,
            admission_token(request, sale_id),
        )

    @post("/hold", status_code=HTTP_200_OK)
    async def hold(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> CartView:
        """At admission: hold the whole prepared cart in one step."""
        return await hold_at_admission(
            resources(state).services,
            family_id_of(request),
            sale_id,
            admission_token(request, sale_id),
        )
