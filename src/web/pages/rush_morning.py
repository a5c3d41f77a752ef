"""The opening-morning pages: waiting room, register a member, cart, checkout, confirmation."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from rush.catalogue.reading import catalogue_groups
from rush.db import query
from rush.errors import RushError
from rush.families.accounts import family_persons
from rush.i18n import error_message
from rush.purchase.checkout import start_checkout
from rush.purchase.orders import order_view
from rush.room.sales import join_queue
from rush.room.waiting_room import QueueState
from web.admission import remember_admission, require_admission, session_admission
from web.api.cart import carts
from web.auth import family_only
from web.locale import request_locale
from web.pages.family_access import page_family_id
from web.pages.portal import program_cards
from web.pages.render import page
from web.state import Resources, resources

__all__ = ["OrderPages", "RushMorningPages"]

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _ints(value: Any) -> list[int]:
    values = value if isinstance(value, list) else [value] if value else []
    return [int(v) for v in values if str(v).isdigit()]


async def _sale(res: Resources, sale_id: int, locale: str) -> dict[str, Any]:
    row = await res.services.pool.fetchrow(query("sale_for_page"), sale_id)
    if row is None:
        raise NotFoundException()
    sale = dict(row.items())
    sale["name"] = row["name_en"] if locale == "en" else row["name_fr"]
    return sale


async def _register_context(
    res: Resources, family_id: int, sale_id: int, locale: str, program_id: int | None
) -> dict[str, Any]:
    """Members, programs and (once one is chosen) its groups with places left."""
    persons = await family_persons(res.services.pool, family_id)
    groups = await catalogue_groups(res.services.pool, res.services.engine, sale_id)
    programs = program_cards(groups, locale, None)
    return {
        "sale": await _sale(res, sale_id, locale),
        "persons": [p for p in persons if p.role == "child"],
        "programs": programs,
        "chosen": next((p for p in programs if p.id == program_id), None),
    }


async def _line_names(
    res: Resources, family_id: int, sale_id: int, locale: str
) -> tuple[dict[int, str], dict[int, str]]:
    """How the cart names its lines: "Léa Roy — Summer day camp, Week 1"."""
    persons = {
        p.id: f"{p.first_name} {p.last_name}"
        for p in await family_persons(res.services.pool, family_id)
    }
    groups = await catalogue_groups(res.services.pool, res.services.engine, sale_id)
    cards = program_cards(groups, locale, None)
    names = {g.id: f"{card.name}, {g.name}" for card in cards for g in card.groups}
    return persons, names


class RushMorningPages(Controller):
    guards = [family_only]
    path = "/sales/{sale_id:int}"
    include_in_schema = False

    @get("/queue")
    async def queue_page(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> Template:
        res, family_id = resources(state), page_family_id(request)
        sale = await _sale(res, sale_id, request_locale(request))
        standing = await res.services.room.standing(sale_id, family_id, join=False)
        return page(request, "pages/queue.html", sale=sale, standing=standing)

    @post("/queue")
    async def join_queue(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> Redirect:
        res, family_id = resources(state), page_family_id(request)
        await join_queue(res.services.pool, res.services.room, sale_id, family_id)
        return Redirect(f"/sales/{sale_id}/queue")

    @get("/queue/status")
    async def queue_status(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> Template | Response[Any]:
        """The self-refreshing part of the waiting room; on admission it moves on to the cart."""
        res, family_id = resources(state), page_family_id(request)
        standing = await res.services.room.standing(sale_id, family_id, join=False)
        if standing.state is QueueState.ADMITTED:
            token = res.services.tokens.issue(family_id, sale_id, standing.now_ms)
            remember_admission(request, sale_id, token)
            return Response(
                content="", status_code=200, headers={"HX-Redirect": f"/sales/{sale_id}/cart"}
            )
        sale = {"id": sale_id}
        return page(request, "pages/_queue_status.html", sale=sale, standing=standing)

    @get("/register")
    async def register_page(
        self,
        request: Request[Any, Any, Any],
        state: State,
        sale_id: FromPath[int],
        program_id: FromQuery[int | None] = None,
    ) -> Template:
        """Register a member: choose the member(s), the program, then the level, group or weeks."""
        res, family_id = resources(state), page_family_id(request)
        locale = request_locale(request)
        sale = await _sale(res, sale_id, locale)
        persons = [
            p for p in await family_persons(res.services.pool, family_id) if p.role == "child"
        ]
        groups = await catalogue_groups(res.services.pool, res.services.engine, sale_id)
        programs = program_cards(groups, locale, None)
        chosen = next((p for p in programs if p.id == program_id), None)
        return page(
            request,
            "pages/register.html",
            sale=sale,
            persons=persons,
            programs=programs,
            chosen=chosen,
            error=None,
        )

    @post("/register")
    async def register(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        res, family_id = resources(state), page_family_id(request)
        sale_status = await res.services.pool.fetchval(query("sale_status"), sale_id)
        live = sale_status == "open"
        options = {"tshirt_size": data["tshirt_size"]} if data.get("tshirt_size") else {}
        try:
            if live:
                await require_admission(request, res, family_id, sale_id)
            await carts(res).add(
                family_id,
                sale_id,
                _ints(data.get("person_ids")),
                _ints(data.get("group_ids")),
                options,
                live=live,
            )
        except RushError as exc:
            locale = request_locale(request)
            numbers = {k: v for k, v in vars(exc).items() if isinstance(v, int)}
            message = error_message(exc.code, locale, **numbers)
            persons = [
                p for p in await family_persons(res.services.pool, family_id) if p.role == "child"
            ]
            groups = await catalogue_groups(res.services.pool, res.services.engine, sale_id)
            programs = program_cards(groups, locale, None)
            chosen_id = _ints(data.get("program_id"))
            chosen = next((p for p in programs if chosen_id and p.id == chosen_id[0]), None)
            sale = await _sale(res, sale_id, locale)
            return page(
                request,
                "pages/register.html",
                status_code=409,
                sale=sale,
                persons=persons,
                programs=programs,
                chosen=chosen,
                error=message,
            )
        return Redirect(f"/sales/{sale_id}/cart")

    @get("/cart")
    async def cart_page(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> Template:
        """The cart with its countdown; an admitted family's prepared cart is held on arrival."""
        res, family_id = resources(state), page_family_id(request)
        locale = request_locale(request)
        sale = await _sale(res, sale_id, locale)
        error = None
        view = await carts(res).view(family_id, sale_id)
        admitted = session_admission(request, sale_id) is not None
        if admitted and sale["status"] == "open" and any(h.status == "draft" for h in view.holds):
            try:
                view = await carts(res).hold_cart(family_id, sale_id)
            except RushError as exc:
                error = error_message(exc.code, locale)
        persons, groups = await _line_names(res, family_id, sale_id, locale)
        return page(
            request,
            "pages/cart.html",
            sale=sale,
            cart=view,
            error=error,
            admitted=admitted,
            persons=persons,
            groups=groups,
        )

    @post("/cart/items/{item_id:int}/remove")
    async def remove_item(
        self,
        request: Request[Any, Any, Any],
        state: State,
        sale_id: FromPath[int],
        item_id: FromPath[int],
    ) -> Redirect:
        await carts(resources(state)).remove(page_family_id(request), sale_id, [item_id])
        return Redirect(f"/sales/{sale_id}/cart")

    @post("/checkout")
    async def checkout(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int], data: Form
    ) -> Redirect:
        res, family_id = resources(state), page_family_id(request)
        await require_admission(request, res, family_id, sale_id)
        result = await start_checkout(
            res.services,
            res.provider,
            family_id,
            sale_id,
            accept_terms=data.get("accept_terms") == "on",
            instalments=2 if data.get("instalments") == "2" else 1,
            return_url=f"{res.settings.public_base_url}/orders/{{order_id}}",
        )
        return Redirect(result.payment_url or f"/orders/{result.order_id}")


class OrderPages(Controller):
    guards = [family_only]
    include_in_schema = False

    @get("/orders/{order_id:uuid}")
    async def order_page(
        self, request: Request[Any, Any, Any], state: State, order_id: FromPath[uuid.UUID]
    ) -> Template:
        res, family_id = resources(state), page_family_id(request)
        order = await order_view(res.services.pool, order_id, family_id)
        english = request_locale(request) == "en"
        lines = [
            {
                "person": r["person_name"],
                "program": r["program_en" if english else "program_fr"],
                "group": r["group_en" if english else "group_fr"],
                "price_cents": r["price_cents"],
            }
            for r in await res.services.pool.fetch(query("order_lines_for_page"), order_id)
        ]
        return page(request, "pages/order.html", order=order, lines=lines)
