"""The cart through the API: prepare it before opening, hold it once admitted."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from rush.catalogue.reading import refuse_sold_out
from rush.db import query
from rush.purchase.carts import Carts, CartView, HoldTimes
from web.admission import require_admission
from web.api.family import family_id_of
from web.auth import family_only
from web.state import Resources, resources

Ids = Annotated[list[int], msgspec.Meta(min_length=1, max_length=20)]


class AddToCart(msgspec.Struct, frozen=True):
    person_ids: Ids
    group_ids: Ids
    options: dict[str, str] = {}


def carts(res: Resources) -> Carts:
    settings = res.settings
    times = HoldTimes(settings.hold_ttl_ms, settings.hold_max_lifetime_ms)
    services = res.services
    return Carts(services.pool, services.engine, times, services.hold_timings)


class CartController(Controller):
    path = "/api/v1/sales/{sale_id:int}/cart"
    tags = ["cart"]
    guards = [family_only]

    @get("/")
    async def view(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> CartView:
        """The cart with its countdown (`expires_in_ms`, by the server's clock)."""
        return await carts(resources(state)).view(family_id_of(request), sale_id)

    @post("/items", status_code=HTTP_200_OK)
    async def add(
        self,
        request: Request[Any, Any, Any],
        state: State,
        sale_id: FromPath[int],
        data: JSONBody[AddToCart],
    ) -> CartView:
        """Before opening: a draft. Once open: admitted families only, places held at once."""
        res, family_id = resources(state), family_id_of(request)
        status = await res.services.pool.fetchval(query("sale_status"), sale_id)
        live = status == "open"
        if live:
            await require_admission(request, res, family_id, sale_id)
            # After the sell-out most adds are for full groups: refused from one Redis read.
            catalogue = await res.services.catalogue.get((sale_id, None))
            persons = len(set(data.person_ids))
            await refuse_sold_out(res.services.engine, catalogue, data.group_ids, persons)
        return await carts(res).add(
            family_id, sale_id, data.person_ids, data.group_ids, data.options, live=live
        )

    @delete("/items/{item_id:int}", status_code=HTTP_200_OK)
    async def remove(
        self,
        request: Request[Any, Any, Any],
        state: State,
        sale_id: FromPath[int],
        item_id: FromPath[int],
    ) -> CartView:
        return await carts(resources(state)).remove(family_id_of(request), sale_id, [item_id])

    @post("/hold", status_code=HTTP_200_OK)
    async def hold(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> CartView:
        """At admission: hold the whole prepared cart in one step."""
        res, family_id = resources(state), family_id_of(request)
        await require_admission(request, res, family_id, sale_id)
        return await carts(res).hold_cart(family_id, sale_id)
