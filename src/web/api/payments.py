"""The provider's webhook: verify, record once, and hand the rest to a worker."""

from __future__ import annotations

import time
from typing import Any

from litestar import Request, post
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK

from rush.jobs import FINALIZE_ORDER, finalize_after_payment_id
from rush.purchase.orders import record_payment_event
from rush.purchase.payments import InvalidWebhook
from web.state import resources
from web.strict_bodies import RAW_BODY_OPT


@post(
    "/api/v1/payments/webhook",
    status_code=HTTP_200_OK,
    tags=["payments"],
    opt={RAW_BODY_OPT: True},  # the provider signs these exact bytes; it sizes them too
)
async def payment_webhook(request: Request[Any, Any, Any], state: State) -> dict[str, bool]:
    """Record the event (unique on its id) and enqueue `finalize_order`; never more here.

    Duplicates, late redeliveries and verified events Rush does not act on answer 200 too, so
    the provider stops sending them. So does a signed event that does not match the payment
    Rush opened: it is kept as rejected and touches nothing, and a redelivery would be rejected
    again (Stripe retries a non-2xx for three days, then disables the endpoint). The answer
    does not say why it was rejected. The signature is read from the provider's own header.
    """
    res = resources(state)
    body = await request.body()
    try:
        event = res.provider.parse_webhook(
            body, request.headers.get(res.provider.signature_header), int(time.time())
        )
    except InvalidWebhook as refused:
        if refused.fault != "unhandled_event":
            raise
        return {"recorded": False}  # verified, but nothing Rush acts on
    order_id = await record_payment_event(res.services.pool, res.provider.name, event)
    if order_id is not None:
        await res.jobs.enqueue_job(
            FINALIZE_ORDER,
            str(order_id),
            _job_id=finalize_after_payment_id(order_id, event.event_id),
        )
    return {"recorded": order_id is not None}
