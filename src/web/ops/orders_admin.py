"""Admins find an order, see its places, payments and refunds, and cancel places with a refund.

`cancel_and_refund` is the one path the page and the JSON API both take: cancel in Postgres
and the engine, email the families offered the freed places, log, then send the refunds.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Final

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.exceptions import ValidationException
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from rush.families.accounts import Account
from rush.jobs import SEND_WAITLIST_OFFER, waitlist_offer_email_id
from rush.ops.staff_log import log_staff_action
from rush.purchase.cancellations import cancel_places, send_pending_refunds
from rush.purchase.staff_orders import search_orders, staff_order
from web.auth import current_account, staff_only
from web.pages.render import page
from web.state import Resources, resources

__all__ = ["CancelOutcome", "OrdersAdminPages", "cancel_and_refund", "parse_cents"]

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
_AMOUNT: Final = re.compile(r"[0-9]+(?:[.,][0-9]{1,2})?")


class CancelOutcome(msgspec.Struct, frozen=True, kw_only=True):
    order_id: uuid.UUID
    order_status: str
    registration_ids: list[int]
    """Registrations cancelled by this request (empty when all were cancelled before)."""
    refund_cents: int
    """The refund this request decided."""
    refunded_cents: int
    """Money the provider confirmed during this request, earlier pending refunds included."""
    waitlist_offers: int


async def cancel_and_refund(
    res: Resources,
    staff: Account,
    order_id: uuid.UUID,
    *,
    registration_id: int | None,
    amount_cents: int | None,
) -> CancelOutcome:
    """Cancel one registration or the whole order; safe to repeat, it never refunds twice."""
    pool = res.services.pool
    cancelled = await cancel_places(
        res.services,
        order_id,
        staff_account_id=staff.id,
        registration_id=registration_id,
        amount_cents=amount_cents,
    )
    for offer in cancelled.offers:
        await res.jobs.enqueue_job(
            SEND_WAITLIST_OFFER, offer.entry_id, _job_id=waitlist_offer_email_id(offer.entry_id)
        )
    if cancelled.registration_ids:
        await log_staff_action(
            pool,
            staff.id,
            "cancel_places",
            cancelled.sale_id,
            order_id=str(order_id),
            registration_ids=cancelled.registration_ids,
            refund_cents=cancelled.refund_cents,
        )
    refunded = await send_pending_refunds(pool, res.provider, order_id)
    if refunded:
        await log_staff_action(
            pool, staff.id, "refund", cancelled.sale_id, order_id=str(order_id), cents=refunded
        )
    return CancelOutcome(
        order_id=order_id,
        order_status=cancelled.order_status,
        registration_ids=cancelled.registration_ids,
        refund_cents=cancelled.refund_cents,
        refunded_cents=refunded,
        waitlist_offers=len(cancelled.offers),
    )


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
        self, request: Request[Any, Any, Any], state: State, q: FromQuery[str] = ""
    ) -> Template:
        found = await search_orders(resources(state).services.pool, q[:200])
        return page(request, "ops/orders.html", q=q, orders=found)

    @get("/{order_id:uuid}", opt={"admin": True})
    async def order(
        self, request: Request[Any, Any, Any], state: State, order_id: FromPath[uuid.UUID]
    ) -> Template:
        found = await staff_order(resources(state).services.pool, order_id)
        return page(request, "ops/order.html", order=found)

    @post("/{order_id:uuid}/cancel", opt={"admin": True})
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        state: State,
        order_id: FromPath[uuid.UUID],
        data: Form,
    ) -> Redirect:
        """Cancel the registration named in the form, or the whole order when none is."""
        await cancel_and_refund(
            resources(state),
            current_account(request),
            order_id,
            registration_id=_registration_id(data.get("registration_id", "").strip()),
            amount_cents=parse_cents(data.get("amount", "")),
        )
        return Redirect(f"/ops/orders/{order_id}")
