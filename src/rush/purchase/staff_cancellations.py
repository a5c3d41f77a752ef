"""An admin's cancellation from end to end, whichever door it comes through (page or API).

Cancel the places and plan the refund (`cancellations.cancel_places`), queue the emails of the
families offered the freed places, write the staff log, queue the family's cancellation
email, then send the refunds: the email is queued before the provider is asked, so a refund
the provider misses does not keep the family from being told. Every step is safe to repeat:
asking again cancels nothing more, never refunds twice and never emails twice.

A daycare slot is not allowed without its camp week, so by default cancelling a week cancels
the same child's daycare of that week too, refunded at its price. When the daycare was bought
in another order, that order is cancelled and refunded on its own, after the week's order: an
amount typed by the admin is the refund of the named order only.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import msgspec

from rush.jobs import (
    SEND_CANCELLATION_NOTICE,
    SEND_WAITLIST_OFFER,
    JobQueue,
    cancellation_notice_id,
    waitlist_offer_email_id,
)
from rush.ops.staff_log import log_staff_action
from rush.purchase.cancellations import (
    CancelledPlaces,
    cancel_places,
    cancellation_scope,
    send_pending_refunds,
)
from rush.services import Services

__all__ = ["CancelOutcome", "cancel_and_refund"]


class CancelOutcome(msgspec.Struct, frozen=True, kw_only=True):
    order_id: uuid.UUID
    order_status: str
    registration_ids: list[int]
    """Registrations cancelled by this request (empty when all were cancelled before), the
    daycare slots cancelled with their weeks included."""
    refund_cents: int
    """The refund this request decided."""
    refunded_cents: int
    """Money the provider confirmed during this request, earlier pending refunds included."""
    waitlist_offers: int


async def cancel_and_refund(
    services: Services,
    jobs: JobQueue,
    staff_account_id: int | None,
    order_id: uuid.UUID,
    *,
    registration_id: int | None,
    amount_cents: int | None,
    with_daycare: bool = True,
) -> CancelOutcome:
    """Cancel one registration or the whole order, with the daycare of its camp weeks unless
    `with_daycare` is False; safe to repeat, it never refunds twice. `staff_account_id` None:
    the decline policy of `instalment_charges` decided it, and no staff member is logged."""
    scope = await cancellation_scope(
        services.pool, order_id, registration_id, with_daycare=with_daycare
    )
    done = [
        await _cancel_in_order(
            services,
            jobs,
            staff_account_id,
            other_order_id,
            registration_ids,
            amount_cents if other_order_id == order_id else None,
        )
        for other_order_id, registration_ids in scope.items()
    ]
    cancelled_ids = sorted(i for d in done for i in d.registration_ids)
    if cancelled_ids:
        await jobs.enqueue_job(
            SEND_CANCELLATION_NOTICE,
            cancelled_ids,
            _job_id=cancellation_notice_id(cancelled_ids),
        )
    refunded = [await _send_refunds(services, staff_account_id, d) for d in done]
    return CancelOutcome(
        order_id=order_id,
        order_status=done[0].order_status,
        registration_ids=[i for d in done for i in d.registration_ids],
        refund_cents=sum(d.refund_cents for d in done),
        refunded_cents=sum(refunded),
        waitlist_offers=sum(len(d.offers) for d in done),
    )


async def _cancel_in_order(
    services: Services,
    jobs: JobQueue,
    staff_account_id: int | None,
    order_id: uuid.UUID,
    registration_ids: Sequence[int] | None,
    amount_cents: int | None,
) -> CancelledPlaces:
    """Cancel places of one order, offer them and log it."""
    cancelled = await cancel_places(
        services,
        order_id,
        staff_account_id=staff_account_id,
        registration_ids=registration_ids,
        amount_cents=amount_cents,
    )
    for offer in cancelled.offers:
        await jobs.enqueue_job(
            SEND_WAITLIST_OFFER, offer.entry_id, _job_id=waitlist_offer_email_id(offer.entry_id)
        )
    if cancelled.registration_ids and staff_account_id is not None:
        await log_staff_action(
            services.pool,
            staff_account_id,
            "cancel_places",
            cancelled.sale_id,
            order_id=str(order_id),
            registration_ids=cancelled.registration_ids,
            refund_cents=cancelled.refund_cents,
        )
    return cancelled


async def _send_refunds(
    services: Services, staff_account_id: int | None, cancelled: CancelledPlaces
) -> int:
    """Send the order's pending refunds (earlier ones too) and log what the provider took."""
    refunded = await send_pending_refunds(services.pool, services.provider, cancelled.order_id)
    if refunded and staff_account_id is not None:
        await log_staff_action(
            services.pool,
            staff_account_id,
            "refund",
            cancelled.sale_id,
            order_id=str(cancelled.order_id),
            cents=refunded,
        )
    return refunded
