"""The opening-morning pages: waiting room, register a member, cart, checkout, confirmation."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from rush.catalogue.eligibility import allowances
from rush.catalogue.reading import catalogue_groups
from rush.db import query
from rush.errors import InvalidAdmissionToken, NotAdmitted, RushError
from rush.families.accounts import family_persons
from rush.i18n import error_message
from rush.purchase.carts import TSHIRT_SIZE_CHOICES
from rush.purchase.checkout import split_instalments
from rush.purchase.instalment_consent import instalment_consent
from rush.purchase.orders import CheckoutResult, order_view
from rush.purchase.payment_retry import PaymentState, pay_again, payment_standing
from rush.purchase.shopping import add_to_cart, check_out, hold_at_admission, more_time
from rush.room.sales import join_queue
from rush.room.waiting_room import QueueStanding, QueueState
from web.admission import admission_token, forget_admission, remember_admission
from web.auth import current_account, family_only
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


def _second_instalment_consent(sale: dict[str, Any], total_cents: int, locale: str) -> str | None:
    """The sentence a family accepts to pay this cart in two instalments, when it may."""
    minimum, due_on = sale["two_instalments_min_cents"], sale["second_instalment_due_on"]
    if minimum is None or due_on is None or total_cents < minimum:
        return None
    second = split_instalments(total_cents, 2, dt.date.today(), due_on)[1]
    return instalment_consent(second.amount_cents, due_on, locale).text


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


async def _register_page(
    request: Request[Any, Any, Any],
    res: Resources,
    family_id: int,
    sale_id: int,
    program_id: int | None,
    error: str | None = None,
    picked: tuple[Collection[int], Collection[int]] = ((), ()),
    error_field: str = "groups",
    sizes: dict[int, str] | None = None,
) -> Template:
    """The register page: the children with what each may still take under the sale's caps,
    the programs, and once one is chosen its groups with places left; after an error, the
    family's choices (`picked`: persons, groups) stay ticked."""
    locale = request_locale(request)
    sale = await _sale(res, sale_id, locale)
    persons = [p for p in await family_persons(res.services.pool, family_id) if p.role == "child"]
    groups = await catalogue_groups(res.services.pool, res.services.engine, sale_id)
    programs = program_cards(groups, locale, None)
    chosen = next((p for p in programs if p.id == program_id), None)
    left = (
        await allowances(res.services.pool, sale_id, [p.id for p in persons], chosen.id)
        if chosen
        else {}
    )
    return page(
        request,
        "pages/register.html",
        status_code=409 if error else 200,
        sale=sale,
        persons=persons,
        programs=programs,
        chosen=chosen,
        allowances=left,
        picked_persons=picked[0],
        picked_groups=picked[1],
        error=error,
        error_field=error_field,
        sizes=sizes or {},
        tshirt_sizes=TSHIRT_SIZE_CHOICES,
    )


async def _paid_after_its_turn(
    res: Resources, standing: QueueStanding, family_id: int, sale_id: int
) -> bool:
    """Whether a family whose turn ended (or is ending, after paying) has paid in this sale: it
    is told so plainly, and whether a forgotten activity needs a new place in line. Read only
    for those two states."""
    if standing.state not in (QueueState.EXPIRED, QueueState.ADMITTED):
        return False
    return bool(await res.services.pool.fetchval(query("family_paid_in_sale"), family_id, sale_id))


def _sizes(data: dict[str, Any], person_ids: list[int]) -> dict[int, str]:
    """Each chosen child's t-shirt size (`tshirt_size-<person id>`), where one was picked."""
    picked = {p: str(data.get(f"tshirt_size-{p}") or "") for p in person_ids}
    return {p: size for p, size in picked.items() if size}


_PERSON_ERRORS = frozenset(
    {
        "not_eligible_age",
        "already_registered",
        "already_in_cart",
        "child_cap_reached",
        "person_not_found",
    }
)


def _field_of(code: str, person_ids: list[int]) -> str:
    """Which part of the register form an error is about, so it is shown (and focused) there."""
    if code in _PERSON_ERRORS or (code == "invalid_cart" and not person_ids):
        return "persons"
    return "groups"


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
        paid = await _paid_after_its_turn(res, standing, family_id, sale_id)
        return page(request, "pages/queue.html", sale=sale, standing=standing, paid=paid)

    @post("/queue")
    async def join_queue(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> Redirect:
        res, family_id = resources(state), page_family_id(request)
        account_id = current_account(request).id
        await join_queue(res.services.pool, res.services.room, sale_id, family_id, account_id)
        return Redirect(f"/sales/{sale_id}/queue")

    @get("/queue/status")
    async def queue_status(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> Template | Response[Any]:
        """The self-refreshing part of the waiting room; on admission it moves on to the cart."""
        res, family_id = resources(state), page_family_id(request)
        standing = await res.services.room.standing(sale_id, family_id, join=False)
        token = res.services.admission.token_for(standing, family_id, sale_id)
        paid = await _paid_after_its_turn(res, standing, family_id, sale_id)
        if token is not None:
            remember_admission(request, sale_id, token)
            if not paid:  # a family that just paid stays here, told it may add an activity
                return Response(
                    content="", status_code=200, headers={"HX-Redirect": f"/sales/{sale_id}/cart"}
                )
        sale = {"id": sale_id}
        return page(request, "pages/_queue_status.html", sale=sale, standing=standing, paid=paid)

    @get("/register")
    async def register_page(
        self,
        request: Request[Any, Any, Any],
        state: State,
        sale_id: FromPath[int],
        program_id: FromQuery[int | None] = None,
        group_id: FromQuery[int | None] = None,
    ) -> Template:
        """Register a member: choose the member(s), the program, then the level, group or weeks
        (a group chosen in the catalogue comes ticked)."""
        res, family_id = resources(state), page_family_id(request)
        picked = ((), [group_id] if group_id is not None else [])
        return await _register_page(request, res, family_id, sale_id, program_id, picked=picked)

    @post("/register")
    async def register(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        res, family_id = resources(state), page_family_id(request)
        person_ids, group_ids = _ints(data.get("person_ids")), _ints(data.get("group_ids"))
        sizes = _sizes(data, person_ids)
        try:
            await add_to_cart(
                res.services,
                family_id,
                sale_id,
                person_ids,
                group_ids,
                {},
                admission_token(request, sale_id),
                {p: {"tshirt_size": size} for p, size in sizes.items()},
            )
        except RushError as exc:
            numbers = {k: v for k, v in vars(exc).items() if isinstance(v, int)}
            program_id = next(iter(_ints(data.get("program_id"))), None)
            return await _register_page(
                request,
                res,
                family_id,
                sale_id,
                program_id,
                error=error_message(exc.code, request_locale(request), **numbers),
                picked=(person_ids, group_ids),
                error_field=_field_of(exc.code, person_ids),
                sizes=sizes,
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
        error, back_to_line = None, False
        view = await res.services.carts.view(family_id, sale_id)
        token = admission_token(request, sale_id)
        admitted = token is not None
        if admitted and sale["status"] == "open" and any(h.status == "draft" for h in view.holds):
            try:
                view = await hold_at_admission(res.services, family_id, sale_id, token)
            except (NotAdmitted, InvalidAdmissionToken) as exc:
                forget_admission(request, sale_id)
                admitted, back_to_line = False, True
                error = error_message(exc.code, locale)
            except RushError as exc:
                error = error_message(exc.code, locale)
        persons, groups = await _line_names(res, family_id, sale_id, locale)
        return page(
            request,
            "pages/cart.html",
            consent=_second_instalment_consent(sale, view.total_cents, locale),
            sale=sale,
            cart=view,
            error=error,
            back_to_line=back_to_line,
            price_changed=any(
                line.previous_price_cents not in (None, line.price_cents) for line in view.lines
            ),
            admitted=admitted,
            persons=persons,
            groups=groups,
        )

    @post("/cart/more-time")
    async def ask_more_time(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> Redirect:
        """The family needs more time to pay: its holds run again, up to their cap."""
        await more_time(
            resources(state).services,
            page_family_id(request),
            sale_id,
            admission_token(request, sale_id),
        )
        return Redirect(f"/sales/{sale_id}/cart")

    @post("/cart/items/{item_id:int}/remove")
    async def remove_item(
        self,
        request: Request[Any, Any, Any],
        state: State,
        sale_id: FromPath[int],
        item_id: FromPath[int],
    ) -> Redirect:
        services = resources(state).services
        await services.carts.remove(page_family_id(request), sale_id, [item_id])
        return Redirect(f"/sales/{sale_id}/cart")

    @post("/checkout")
    async def checkout(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int], data: Form
    ) -> Redirect:
        res = resources(state)
        result = await check_out(
            res.services,
            page_family_id(request),
            sale_id,
            admission_token(request, sale_id),
            accept_terms=data.get("accept_terms") == "on",
            instalments=2 if data.get("instalments") == "2" else 1,
            return_url=f"{res.settings.public_base_url}/orders/{{order_id}}",
            authorise_second_instalment=data.get("authorise_second_instalment") == "on",
            locale=request_locale(request),
        )
        return Redirect(result.payment_url or f"/orders/{result.order_id}")


async def _still_admitted(
    request: Request[Any, Any, Any], res: Resources, family_id: int, order: CheckoutResult
) -> bool:
    """Whether a family that just paid may add a forgotten activity without queueing again:
    its turn is still running in the waiting room and this browser holds its admission."""
    sale_id = order.sale_id
    if order.status != "paid" or sale_id is None or admission_token(request, sale_id) is None:
        return False
    standing = await res.services.room.standing(sale_id, family_id, join=False)
    return standing.state is QueueState.ADMITTED


class OrderPages(Controller):
    guards = [family_only]
    include_in_schema = False

    @get("/orders/{order_id:uuid}")
    async def order_page(
        self, request: Request[Any, Any, Any], state: State, order_id: FromPath[uuid.UUID]
    ) -> Template | Response[Any]:
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
        standing = await payment_standing(res.services, family_id, order_id)
        if request.headers.get("hx-request") and standing.state is not PaymentState.PAYING:
            # The payment's outcome is known: reload the whole page, header included, rather
            # than swapping only its body under a header that still says "payment under way".
            return Response(content="", status_code=200, headers={"HX-Refresh": "true"})
        return page(
            request,
            "pages/order.html",
            order=order,
            lines=lines,
            payment=standing.state.value,
            held_for_ms=standing.held_for_ms,
            still_admitted=await _still_admitted(request, res, family_id, order),
        )

    @post("/orders/{order_id:uuid}/pay")
    async def pay_again(
        self, request: Request[Any, Any, Any], state: State, order_id: FromPath[uuid.UUID]
    ) -> Redirect:
        """After a declined card: a new attempt while the places are held."""
        res = resources(state)
        result = await pay_again(
            res.services,
            page_family_id(request),
            order_id,
            f"{res.settings.public_base_url}/orders/{{order_id}}",
        )
        return Redirect(result.payment_url or f"/orders/{order_id}")
