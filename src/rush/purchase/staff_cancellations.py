"""An admin's cancellation from end to end, whichever door it comes through (page or API).

Cancel the places and plan the refund (`cancellations.cancel_places`), queue the emails of the
families offered the freed places, write the staff log, then send the refunds. Every step is
safe to repeat: asking again cancels nothing more and never refunds twice.
"""

from __future__ import annotations

import uuid

import msgspec

from rush.jobs import SEND_WAITLIST_OFFER, JobQueue, waitlist_offer_email_id
from rush.ops.staff_log import log_staff_action
from rush.purchase.cancellations import cancel_places, send_pending_refunds
from rush.services import Services

__all__ = ["CancelOutcome", "cancel_and_refund"]


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
    services: Services,
    jobs: JobQueue,
    staff_account_id: int,
    order_id: uuid.UUID,
    *,
    registration_id: int | None,
    amount_cents: int | None,
) -> CancelOutcome:
    """Cancel one registration or the whole order; safe to repeat, it never refunds twice."""
    pool = services.pool
    cancelled = await cancel_places(
        services,
        order_id,
        staff_account_id=staff_account_id,
        registration_id=registration_id,
        amount_cents=amount_cents,
    )
    for offer in cancelled.offers:
        await jobs.enqueue_job(
            SEND_WAITLIST_OFFER, offer.entry_id, _job_id=waitlist_offer_email_id(offer.entry_id)
        )
    if cancelled.registration_ids:
        await log_staff_action(
            pool,
            staff_account_id,
            "cancel_places",
            cancelled.sale_id,
            order_id=str(order_id),
            registration_ids=cancelled.registration_ids,
            refund_cents=cancelled.refund_cents,
        )
    refunded = await send_pending_refunds(pool, services.provider, order_id)
    if refunded:
        await log_staff_action(
            pool,
            staff_account_id,
            "refund",
            cancelled.sale_id,
            order_id=str(order_id),
            cents=refunded,
        )
    return CancelOutcome(
        order_id=order_id,
        order_status=cancelled.order_status,
        registration_ids=cancelled.registration_ids,
        refund_cents=cancelled.refund_cents,
        refunded_cents=refunded,
        waitlist_offers=len(cancelled.offers),
    )
