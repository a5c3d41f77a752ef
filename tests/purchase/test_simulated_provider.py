"""The simulated provider behaves as Rush needs a real one to: no double charge, one outcome,
refunds that never exceed the charge, and signed webhooks that survive redelivery and refuse
forgery."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import asyncpg
import httpx
import msgspec
import pytest
from litestar import Litestar, Request, post
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.testing import AsyncTestClient

from rush.purchase.payments.errors import (
    IdempotencyKeyReused,
    InvalidPaymentRequest,
    InvalidWebhook,
    RefundRefused,
    UnknownProviderPayment,
)
from rush.purchase.payments.provider import PaymentProvider, ProviderRefund, WebhookEvent
from rush.purchase.payments.signing import sign
from rush.purchase.payments.simulated import SignedWebhook, SimulatedProvider, deliver

SECRET = "whsec_simulated"
BASE_URL = "http://rush.test"
NOW = 1_785_000_000


@pytest.fixture
def provider(pool: asyncpg.Pool, clean: None) -> SimulatedProvider:
    return SimulatedProvider(pool, SECRET, BASE_URL + "/")


async def open_payment(
    provider: SimulatedProvider, amount_cents: int = 12_500, key: str = "order-1:instalment-1"
) -> tuple[uuid.UUID, str]:
    payment_id = uuid.uuid4()
    opened = await provider.create_payment(
        payment_id, amount_cents, key, "Camp de jour, semaine 1", "http://rush.test/orders/1"
    )
    return payment_id, opened.ref


async def paid_payment(provider: SimulatedProvider) -> tuple[uuid.UUID, str]:
    """A payment opened and paid by the family on the hosted page."""
    payment_id, ref = await open_payment(provider)
    await provider.complete(ref, succeed=True, now_s=NOW)
    return payment_id, ref


async def rows_for(pool: asyncpg.Pool, payment_id: uuid.UUID) -> int:
    count: int = await pool.fetchval(
        "SELECT count(*) FROM sim_provider_payment WHERE payment_id = $1", payment_id
    )
    return count


def test_the_simulated_provider_fits_the_provider_interface(pool: asyncpg.Pool) -> None:
    provider: PaymentProvider = SimulatedProvider(pool, SECRET, BASE_URL)
    assert isinstance(provider, PaymentProvider)
    assert provider.name == "simulated"


async def test_a_new_payment_awaits_the_family_on_its_hosted_page(
    provider: SimulatedProvider,
) -> None:
    payment_id = uuid.uuid4()
    opened = await provider.create_payment(payment_id, 12_500, "k1", "Natation", "http://r/ret")

    assert opened.ref.startswith("simpay_")
    assert opened.redirect_url == f"{BASE_URL}/sim-pay/{opened.ref}"
    payment = await provider.payment(opened.ref)
    assert payment is not None
    assert (payment.payment_id, payment.amount_cents, payment.status) == (
        payment_id,
        12_500,
        "requires_action",
    )
    assert (payment.description, payment.return_url) == ("Natation", "http://r/ret")


async def test_an_unknown_ref_has_no_payment(provider: SimulatedProvider) -> None:
    assert await provider.payment("simpay_000000") is None


async def test_the_same_idempotency_key_twice_opens_one_payment(
    provider: SimulatedProvider, pool: asyncpg.Pool
) -> None:
    payment_id = uuid.uuid4()
    first = await provider.create_payment(payment_id, 5_000, "same-key", "Camp", "http://r/1")
    again = await provider.create_payment(payment_id, 5_000, "same-key", "Camp", "http://r/1")

    assert again == first
    assert await rows_for(pool, payment_id) == 1


async def test_concurrent_retries_with_one_key_open_one_payment(
    provider: SimulatedProvider, pool: asyncpg.Pool
) -> None:
    payment_id = uuid.uuid4()
    opened = await asyncio.gather(
        *(provider.create_payment(payment_id, 5_000, "race", "Camp", "http://r") for _ in range(20))
    )

    assert len({p.ref for p in opened}) == 1
    assert await rows_for(pool, payment_id) == 1


async def test_another_idempotency_key_opens_another_payment(provider: SimulatedProvider) -> None:
    _, first = await open_payment(provider, key="instalment-1")
    _, second = await open_payment(provider, key="instalment-2")
    assert first != second


async def test_reusing_a_key_for_another_amount_is_refused(provider: SimulatedProvider) -> None:
    payment_id = uuid.uuid4()
    await provider.create_payment(payment_id, 5_000, "k", "Camp", "http://r")
    with pytest.raises(IdempotencyKeyReused):
        await provider.create_payment(payment_id, 6_000, "k", "Camp", "http://r")


async def test_a_charge_of_nothing_is_refused(provider: SimulatedProvider) -> None:
    with pytest.raises(InvalidPaymentRequest):
        await open_payment(provider, amount_cents=0)


async def test_completing_succeeds_once_and_a_second_completion_repeats_the_same_event(
    provider: SimulatedProvider,
) -> None:
    payment_id, ref = await open_payment(provider)

    first = await provider.complete(ref, succeed=True, now_s=NOW)
    again = await provider.complete(ref, succeed=False, now_s=NOW + 600)

    assert first.event == WebhookEvent(
        event_id=first.event.event_id,
        kind="payment.succeeded",
        payment_ref=ref,
        payment_id=payment_id,
        amount_cents=12_500,
        occurred_at_s=NOW,
    )
    assert again.event == first.event
    assert again.body == first.body
    assert again.signature_header.startswith(f"t={NOW + 600},")
    payment = await provider.payment(ref)
    assert payment is not None
    assert payment.status == "succeeded"


async def test_a_failed_payment_cannot_later_succeed(provider: SimulatedProvider) -> None:
    _, ref = await open_payment(provider)

    failed = await provider.complete(ref, succeed=False, now_s=NOW)
    retried = await provider.complete(ref, succeed=True, now_s=NOW + 5)

    assert failed.event.kind == retried.event.kind == "payment.failed"
    assert retried.event.event_id == failed.event.event_id
    payment = await provider.payment(ref)
    assert payment is not None
    assert payment.status == "failed"


async def test_outcomes_of_one_payment_have_distinct_event_ids(
    provider: SimulatedProvider,
) -> None:
    _, paid_ref = await open_payment(provider, key="a")
    _, failed_ref = await open_payment(provider, key="b")
    paid = await provider.complete(paid_ref, succeed=True, now_s=NOW)
    failed = await provider.complete(failed_ref, succeed=False, now_s=NOW)
    await provider.refund(paid_ref, 12_500, "refund-a")
    (refunded,) = await provider.refund_webhooks(paid_ref, NOW)

    ids = {paid.event.event_id, failed.event.event_id, refunded.event.event_id}
    assert len(ids) == 3


async def test_completing_an_unknown_payment_is_refused(provider: SimulatedProvider) -> None:
    with pytest.raises(UnknownProviderPayment):
        await provider.complete("simpay_nope", succeed=True, now_s=NOW)


async def test_a_succeeded_payment_is_refunded_once_per_key(provider: SimulatedProvider) -> None:
    _, ref = await paid_payment(provider)

    refund = await provider.refund(ref, 12_500, "refund-1")
    retried = await provider.refund(ref, 12_500, "refund-1")

    assert refund == retried == ProviderRefund(ref=refund.ref, status="succeeded")
    with pytest.raises(RefundRefused, match="already refunded in full"):
        await provider.refund(ref, 12_500, "refund-2")
    payment = await provider.payment(ref)
    assert payment is not None
    assert (payment.status, payment.refunded_cents) == ("refunded", 12_500)
    assert [r.amount_cents for r in await provider.refunds(ref)] == [12_500]


async def test_a_payment_takes_several_refunds_up_to_its_amount(
    provider: SimulatedProvider,
) -> None:
    _, ref = await paid_payment(provider)

    first = await provider.refund(ref, 2_000, "cancel-week-2")
    partly = await provider.payment(ref)
    with pytest.raises(RefundRefused, match="10501 cents asked, 10500 left"):
        await provider.refund(ref, 10_501, "cancel-week-1-too-much")
    second = await provider.refund(ref, 10_500, "cancel-week-1")

    assert first.ref != second.ref
    assert partly is not None
    assert (partly.status, partly.refunded_cents) == ("succeeded", 2_000)
    payment = await provider.payment(ref)
    assert payment is not None
    assert (payment.status, payment.refunded_cents) == ("refunded", 12_500)
    refunds = await provider.refunds(ref)
    assert [(r.ref, r.amount_cents) for r in refunds] == [(first.ref, 2_000), (second.ref, 10_500)]
    events = [w.event for w in await provider.refund_webhooks(ref, NOW)]
    assert [(e.refund_ref, e.amount_cents) for e in events] == [
        (first.ref, 2_000),
        (second.ref, 10_500),
    ]
    assert len({e.event_id for e in events}) == 2


async def test_one_refund_key_cannot_refund_another_amount(provider: SimulatedProvider) -> None:
    _, ref = await paid_payment(provider)
    await provider.refund(ref, 2_000, "refund-1")

    with pytest.raises(IdempotencyKeyReused):
        await provider.refund(ref, 3_000, "refund-1")
    payment = await provider.payment(ref)
    assert payment is not None
    assert payment.refunded_cents == 2_000


async def test_a_refunded_payment_still_reports_its_success(provider: SimulatedProvider) -> None:
    _, ref = await open_payment(provider)
    paid = await provider.complete(ref, succeed=True, now_s=NOW)
    await provider.refund(ref, 12_500, "refund-1")

    assert (await provider.complete(ref, succeed=False, now_s=NOW + 1)).event == paid.event


async def test_a_payment_not_succeeded_cannot_be_refunded(provider: SimulatedProvider) -> None:
    _, pending = await open_payment(provider, key="pending")
    _, failed = await open_payment(provider, key="failed")
    await provider.complete(failed, succeed=False, now_s=NOW)

    with pytest.raises(RefundRefused, match="requires_action"):
        await provider.refund(pending, 12_500, "r-pending")
    with pytest.raises(RefundRefused, match="failed"):
        await provider.refund(failed, 12_500, "r-failed")
    with pytest.raises(UnknownProviderPayment):
        await provider.refund("simpay_nope", 12_500, "r-unknown")


async def test_refunding_more_than_was_paid_is_refused(provider: SimulatedProvider) -> None:
    _, ref = await paid_payment(provider)

    with pytest.raises(RefundRefused):
        await provider.refund(ref, 12_501, "too-much")
    payment = await provider.payment(ref)
    assert payment is not None
    assert payment.status == "succeeded"


async def test_one_refund_key_cannot_refund_two_payments(provider: SimulatedProvider) -> None:
    _, first = await open_payment(provider, key="a")
    _, second = await open_payment(provider, key="b")
    for ref in (first, second):
        await provider.complete(ref, succeed=True, now_s=NOW)
    await provider.refund(first, 12_500, "shared-refund-key")

    with pytest.raises(IdempotencyKeyReused):
        await provider.refund(second, 12_500, "shared-refund-key")
    payment = await provider.payment(second)
    assert payment is not None
    assert payment.status == "succeeded"


async def test_the_refund_webhook_parses_back_as_refund_succeeded(
    provider: SimulatedProvider,
) -> None:
    payment_id, ref = await paid_payment(provider)
    assert await provider.refund_webhooks(ref, NOW) == []
    await provider.refund(ref, 4_000, "partial")

    (webhook,) = await provider.refund_webhooks(ref, NOW)
    event = provider.parse_webhook(webhook.body, webhook.signature_header, NOW)

    assert (event.kind, event.payment_id, event.amount_cents) == (
        "refund.succeeded",
        payment_id,
        4_000,
    )
    assert abs(event.occurred_at_s - time.time()) < 60
    assert [w.event for w in await provider.refund_webhooks(ref, NOW + 9)] == [event]


async def test_a_webhook_from_complete_parses_back_with_parse_webhook(
    provider: SimulatedProvider,
) -> None:
    _, ref = await open_payment(provider)
    webhook = await provider.complete(ref, succeed=True, now_s=NOW)

    assert provider.parse_webhook(webhook.body, webhook.signature_header, NOW + 30) == webhook.event


async def test_a_redelivery_is_signed_afresh_and_parses_outside_the_first_window(
    provider: SimulatedProvider,
) -> None:
    _, ref = await open_payment(provider)
    first = await provider.complete(ref, succeed=True, now_s=NOW)
    later = NOW + 3_600

    with pytest.raises(InvalidWebhook):
        provider.parse_webhook(first.body, first.signature_header, later)
    redelivered = await provider.complete(ref, succeed=True, now_s=later)
    assert provider.parse_webhook(redelivered.body, redelivered.signature_header, later) == (
        first.event
    )


async def test_a_webhook_signed_with_another_secret_is_refused(
    provider: SimulatedProvider, pool: asyncpg.Pool
) -> None:
    impostor = SimulatedProvider(pool, "whsec_impostor", BASE_URL)
    _, ref = await open_payment(impostor)
    forged = await impostor.complete(ref, succeed=True, now_s=NOW)

    with pytest.raises(InvalidWebhook) as caught:
        provider.parse_webhook(forged.body, forged.signature_header, NOW)
    assert caught.value.fault == "bad_signature"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"kind": "payment.succeeded"}',
        b'{"event_id": "e", "kind": "payment.disputed", "payment_ref": "r",'
        b' "payment_id": "8c2f5d0e-7c57-4a4e-9f57-6b6f0f6f1b11", "amount_cents": 1,'
        b' "occurred_at_s": 1}',
    ],
    ids=["not-json", "missing-fields", "unknown-kind"],
)
async def test_a_signed_but_malformed_body_is_refused(
    provider: SimulatedProvider, body: bytes
) -> None:
    with pytest.raises(InvalidWebhook) as caught:
        provider.parse_webhook(body, sign(SECRET, body, NOW), NOW)
    assert caught.value.fault == "bad_body"


async def test_an_unsigned_webhook_is_refused(provider: SimulatedProvider) -> None:
    _, ref = await open_payment(provider)
    webhook = await provider.complete(ref, succeed=True, now_s=NOW)
    with pytest.raises(InvalidWebhook) as caught:
        provider.parse_webhook(webhook.body, None, NOW)
    assert caught.value.fault == "missing_signature"


async def test_deliver_posts_the_exact_body_and_signature(provider: SimulatedProvider) -> None:
    _, ref = await open_payment(provider)
    webhook = await provider.complete(ref, succeed=True, now_s=NOW)
    received: list[httpx.Request] = []

    def endpoint(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return httpx.Response(202)

    async with httpx.AsyncClient(transport=httpx.MockTransport(endpoint)) as client:
        status = await deliver(webhook, "http://rush.test/webhooks/simulated", client)

    assert status == 202
    [request] = received
    assert (request.method, str(request.url)) == ("POST", "http://rush.test/webhooks/simulated")
    assert request.content == webhook.body
    assert request.headers["Rush-Signature"] == webhook.signature_header


def webhook_app(provider: SimulatedProvider, events: list[WebhookEvent]) -> Litestar:
    """A stand-in for the app's webhook endpoint: verify, record, 204; or 400."""

    @post("/webhooks/simulated", status_code=204)
    async def receive(request: Request[Any, Any, State]) -> None:
        try:
            event = provider.parse_webhook(
                await request.body(), request.headers.get("Rush-Signature"), NOW
            )
        except InvalidWebhook as exc:
            raise HTTPException(status_code=400, detail=exc.code) from exc
        events.append(event)

    return Litestar([receive])


async def test_a_delivered_webhook_is_verified_by_an_http_endpoint(
    provider: SimulatedProvider,
) -> None:
    _, ref = await open_payment(provider)
    webhook = await provider.complete(ref, succeed=True, now_s=NOW)
    tampered = SignedWebhook(
        webhook.body.replace(b"payment.succeeded", b"payment.failed"),
        webhook.signature_header,
        webhook.event,
    )
    events: list[WebhookEvent] = []

    async with AsyncTestClient(webhook_app(provider, events)) as client:
        assert await deliver(webhook, "/webhooks/simulated", client) == 204
        assert await deliver(tampered, "/webhooks/simulated", client) == 400

    assert events == [webhook.event]
    assert msgspec.json.decode(webhook.body)["kind"] == "payment.succeeded"
