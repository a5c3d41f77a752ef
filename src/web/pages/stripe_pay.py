"""The page a family pays a Stripe PaymentIntent on: Stripe.js takes the card in the browser.

Stripe.js turns the card into a PaymentMethod without the number ever reaching Rush; the form
then posts that PaymentMethod's id here, and the provider confirms the intent (keeping the
card first when the family agreed to it). A bank asking for 3-D Secure is answered in the
browser by Stripe.js, then the family goes back to its order, where the webhook's outcome shows.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from rush.i18n import format_money
from rush.purchase.payments import StripeIntent, StripeProvider
from web.i18n import page_context
from web.state import resources

__all__ = ["StripePaymentPage"]


class CardPayment(msgspec.Struct, frozen=True):
    payment_method: str = ""


class StripePaymentPage(Controller):
    path = "/pay/{ref:str}"
    include_in_schema = False

    @get("/")
    async def page(
        self, request: Request[Any, Any, Any], state: State, ref: FromPath[str]
    ) -> Template:
        intent = await _stripe(state).intent(ref)
        if intent is None:
            raise NotFoundException()
        return _page(request, state, intent)

    @post("/", status_code=200)
    async def pay(
        self,
        request: Request[Any, Any, Any],
        state: State,
        ref: FromPath[str],
        data: Annotated[CardPayment, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Template | Redirect:
        """Paid (or on its way): back to the order; declined or 3-D Secure: this page again."""
        if not data.payment_method.startswith("pm_"):
            raise ValidationException("payment_method must be a Stripe PaymentMethod id")
        provider = _stripe(state)
        if await provider.intent(ref) is None:
            raise NotFoundException()
        intent = await provider.pay_with_card(ref, data.payment_method)
        if intent.status in ("paid", "processing"):
            return Redirect(intent.return_url, status_code=303)
        return _page(request, state, intent)


def _page(request: Request[Any, Any, Any], state: State, intent: StripeIntent) -> Template:
    settings = resources(state).settings
    context = page_context(request)
    return Template(
        "pages/stripe_pay.html",
        context={
            **context,
            "intent": intent,
            "amount": format_money(intent.amount_cents, context["locale"]),
            "publishable_key": settings.stripe_publishable_key,
            "stripe_js_url": settings.stripe_js_url,
        },
    )


def _stripe(state: State) -> StripeProvider:
    provider = resources(state).provider
    if not isinstance(provider, StripeProvider):
        raise NotFoundException()
    return provider
