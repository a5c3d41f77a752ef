"""The simulated provider's hosted payment page, as a real provider would host it (dev only)."""

from __future__ import annotations

import time
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from rush.i18n import N_, format_money
from rush.jobs import DELIVER_WEBHOOK
from rush.purchase.payments import SimulatedProvider
from web.i18n import page_context
from web.state import resources

_STATUS_LABELS = {
    "requires_action": N_("Waiting for payment"),
    "succeeded": N_("Payment received"),
    "failed": N_("Card declined"),
    "refunded": N_("Payment refunded"),
}


class PaymentChoice(msgspec.Struct, frozen=True):
    outcome: str


class SimulatedPaymentPage(Controller):
    path = "/sim-pay/{ref:str}"
    include_in_schema = False

    @get("/")
    async def page(
        self, request: Request[Any, Any, Any], state: State, ref: FromPath[str]
    ) -> Template:
        """In the family's language, as the site it comes from: a provider is told the locale."""
        provider = _simulated(state)
        payment = await provider.payment(ref)
        if payment is None:
            raise NotFoundException()
        context = page_context(request)
        translate = context["_"]
        return Template(
            "sim_pay.html",
            context={
                **context,
                "payment": payment,
                "amount": format_money(payment.amount_cents, context["locale"]),
                "status_labels": {k: translate(v) for k, v in _STATUS_LABELS.items()},
            },
        )

    @post("/")
    async def pay(
        self,
        state: State,
        ref: FromPath[str],
        data: Annotated[PaymentChoice, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Redirect:
        """Complete the payment, then deliver its signed webhook from a worker, like a provider."""
        res, provider = resources(state), _simulated(state)
        webhook = await provider.complete(
            ref, succeed=data.outcome == "succeed", now_s=int(time.time())
        )
        await res.jobs.enqueue_job(
            DELIVER_WEBHOOK,
            webhook.body,
            webhook.signature_header,
            f"{res.settings.public_base_url}/api/v1/payments/webhook",
        )
        payment = await provider.payment(ref)
        assert payment is not None
        return Redirect(payment.return_url)


def _simulated(state: State) -> SimulatedProvider:
    provider = resources(state).provider
    if not isinstance(provider, SimulatedProvider):
        raise NotFoundException()
    return provider
