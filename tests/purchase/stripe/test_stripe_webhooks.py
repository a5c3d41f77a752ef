"""The webhook endpoint with Stripe as the provider: Stripe's header and signature, and the
events Rush does not act on acknowledged without touching anything."""

from __future__ import annotations

import uuid

from rush.services import Services
from tests.purchase.stripe.test_stripe_path import signed_event
from tests.support.api_family import Client


async def post_event(client: Client, body: bytes, signature: str) -> tuple[int, str]:
    answer = await client.post(
        "/api/v1/payments/webhook",
        content=body,
        headers={"Stripe-Signature": signature},
    )
    return answer.status_code, answer.text


def intent(payment_id: uuid.UUID | None) -> dict[str, object]:
    metadata = {} if payment_id is None else {"payment_id": str(payment_id)}
    return {
        "id": "pi_forged",
        "object": "payment_intent",
        "amount": 1,
        "currency": "cad",
        "metadata": metadata,
    }


async def test_an_event_signed_with_another_secret_is_refused_and_not_recorded(
    stripe_family: Client, services: Services
) -> None:
    body, signature = signed_event("payment_intent.succeeded", intent(uuid.uuid4()))
    forged = signature.replace("v1=", "v1=0")

    status, _ = await post_event(stripe_family, body, forged)
    unsigned = await stripe_family.post("/api/v1/payments/webhook", content=body)
    rush_header = await stripe_family.post(
        "/api/v1/payments/webhook", content=body, headers={"Rush-Signature": signature}
    )

    assert (status, unsigned.status_code, rush_header.status_code) == (400, 400, 400)
    assert await services.pool.fetchval("SELECT count(*) FROM payment_event") == 0


async def test_verified_events_rush_does_not_act_on_are_acknowledged_and_ignored(
    stripe_family: Client, services: Services
) -> None:
    customer = signed_event("customer.created", {"id": "cus_x", "object": "customer"})
    not_ours = signed_event("payment_intent.succeeded", intent(None))
    pending_refund = signed_event(
        "refund.created",
        {
            "id": "re_x",
            "object": "refund",
            "amount": 5,
            "currency": "cad",
            "status": "pending",
            "payment_intent": "pi_x",
            "metadata": {"payment_id": str(uuid.uuid4())},
        },
    )

    answers = [
        await post_event(stripe_family, *event) for event in (customer, not_ours, pending_refund)
    ]

    assert answers == [(200, '{"recorded":false}')] * 3
    assert await services.pool.fetchval("SELECT count(*) FROM payment_event") == 0
