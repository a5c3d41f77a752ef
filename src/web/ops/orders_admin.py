"""Admins find an order, see its places, payments and refunds, and cancel places with a refund.

A cancellation is asked twice: the order page's form shows what would happen
(`rush.purchase.cancellation_preview`) with "Confirm" and "Back", and only the confirmed
form, which carries the refund it showed, cancels through
`rush.purchase.staff_cancellations.cancel_and_refund`, as the JSON API does in one call.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Final

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.exceptions import ValidationException
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from rush.purchase.cancellation_preview import preview_cancellation
from rush.purchase.instalment_charges import retry_charge_now
from rush.purchase.staff_cancellations import cancel_and_refund
from rush.purchase.staff_orders import search_orders, staff_order
from web.auth import current_account, staff_only
from web.pages.render import page
from web.state import resources

__all__ = ["OrdersAdminPages", "parse_cents"]

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
_AMOUNT: Final = re.compile(r"[0-9]+(?:[.,][0-9]{1,2})?")


def parse_cents(text: str) -> int | None:
    """An amount typed in dollars ("12", "12.50", "12,50 $") in cents; blank means the default."""
    cleaned = text.replace("$", "").replace("\xa0", "").replace(" ", "")
    if not cleaned:
        return None
    if not _AMOUNT.fullmatch(cleaned):
        raise ValidationException(extra=[{"key": "amount", "message": "not an amount"}])
    try:
        return int(Decimal(cleaned.replace(",", ".")) * 100)
    except InvalidOperation:
        raise ValidationException(extra=[{"key": "amount", "message": "not an amount"}]) from None


def _registration_id(text: str) -> int | None:
    if not text:
        return None
    if not text.isascii() or not text.isdigit():
        raise ValidationException(extra=[{"key": "registration_id", "message": "not an id"}])
    return int(text)


class OrdersAdminPages(Controller):
    path = "/ops/orders"
    guards = [staff_only]
    include_in_schema = False

    @get("/", opt={"admin": True})
    async def orders(
        self,
        request: Request[Any, Any, Any],
        state: State,
        q: FromQuery[str] = "",
        overdue: FromQuery[str] = "",
    ) -> Template:
        """The search; `overdue=1` keeps the orders whose second instalment is unpaid."""
        pool = resources(state).services.pool
        found = await search_orders(pool, q[:200], overdue_only=overdue == "1")
        return page(request, "ops/orders.html", q=q, orders=found, overdue=overdue == "1")

    @get("/{order_id:uuid}", opt={"admin": True})
    async def order(
        self, request: Request[Any, Any, Any], state: State, order_id: FromPath[uuid.UUID]
    ) -> Template:
        found = await staff_order(resources(state).services.pool, order_id)
        return page(request, "ops/order.html", order=found)

    @post("/{order_id:uuid}/retry-charge", opt={"admin": True})
    async def retry_charge(
        self, request: Request[Any, Any, Any], state: State, order_id: FromPath[uuid.UUID]
    ) -> Redirect:
        """Charge the saved card for the unpaid second instalment now; the outcome comes by
        the provider's webhook, as the schedule's charges do."""
        res = resources(state)
        await retry_charge_now(res.services, res.jobs, current_account(request).id, order_id)
        return Redirect(f"/ops/orders/{order_id}")

    @post("/{order_id:uuid}/cancel", opt={"admin": True})
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        state: State,
        order_id: FromPath[uuid.UUID],
        data: Form,
    ) -> Redirect | Template:
        """Cancel the registration named in the form, or the whole order when none is; the
        daycare of its weeks only when its box, checked by default, was left checked. Until
        the form says `confirmed`, only show what would happen, and change nothing."""
        res = resources(state)
        registration_id = _registration_id(data.get("registration_id", "").strip())
        amount_cents = parse_cents(data.get("amount", ""))
        with_daycare = data.get("with_daycare") == "on"
        if data.get("confirmed") != "yes":
            preview = await preview_cancellation(
                res.services.pool,
                order_id,
                registration_id=registration_id,
                amount_cents=amount_cents,
                with_daycare=with_daycare,
            )
            return page(
                request,
                "ops/order_cancel_confirm.html",
                preview=preview,
                registration_id=registration_id,
                with_daycare=with_daycare,
            )
        await cancel_and_refund(
            res.services,
            res.jobs,
            current_account(request).id,
            order_id,
            registration_id=registration_id,
            amount_cents=amount_cents,
            with_daycare=with_daycare,
        )
        return Redirect(f"/ops/orders/{order_id}")
