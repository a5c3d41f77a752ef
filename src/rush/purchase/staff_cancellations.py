"""An admin's cancellation from end to end, whichever door it comes through (page or API).

Cancel the places and plan the refund (`cancellations.cancel_places`), queue the emails of the
families offered the freed places, write the staff log, then send the refunds. Every step is
safe to repeat: asking again cancels nothing more and never refunds twice.

A daycare slot is not allowed without its camp week, so by default cancelling a week cancels
the same child's daycare of that week too, refunded at its price. When the daycare was bought
in another order, that order is cancelled and refunded on its own, after the week's order: an
amount typed by the admin is the refund of the named order only.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import msgspec

from rush.jobs import SEND_WAITLIST_OFFER, JobQueue, waitlist_offer_email_id
from rush.ops.staff_log import log_staff_action
from rush.purchase.cancellations import (
    CancelledPlaces,
    cancel_places,
    send_pending_refunds,
    week_daycare,
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


@dataclass(frozen=True, slots=True)
class _OrderCancelled:
    places: CancelledPlaces
    refunded_cents: int


async def cancel_and_refund(
    services: Services,
    jobs: JobQueue,
    staff_account_id: int,
    order_id: uuid.UUID,
    *,
    registration_id: int | None,
    amount_cents: int | None,
    with_daycare: bool = True,
) -> CancelOutcome:
    """Cancel one registration or the whole order, with the daycare of its camp weeks unless
    `with_daycare` is False; safe to repeat, it never refunds twice."""
    daycare = await week_daycare(services.pool, order_id, registration_id) if with_daycare else []
    chosen = None
    if registration_id is not None:
        own_daycare = [d.registration_id for d in daycare if d.order_id == order_id]
        chosen = [registration_id, *own_daycare]
    done = [
        await _cancel_in_order(services, jobs, staff_account_id, order_id, chosen, amount_cents)
    ]
    elsewhere: dict[uuid.UUID, list[int]] = {}
    for slot in daycare:
        if slot.order_id != order_id:
            elsewhere.setdefault(slot.order_id, []).append(slot.registration_id)
    for other_order_id, daycare_ids in elsewhere.items():
        done.append(
            await _cancel_in_order(
                services, jobs, staff_account_id, other_order_id, daycare_ids, None
            )
        )
    return CancelOutcome(
        order_id=order_id,
        order_status=done[0].places.order_status,
        registration_ids=[i for d in done for i in d.places.registration_ids],
        refund_cents=sum(d.places.refund_cents for d in done),
        refunded_cents=sum(d.refunded_cents for d in done),
        waitlist_offers=sum(len(d.places.offers) for d in done),
    )


async def _cancel_in_order(
    services: Services,
    jobs: JobQueue,
    staff_account_id: int,
    order_id: uuid.UUID,
    registration_ids: Sequence[int] | None,
    amount_cents: int | None,
) -> _OrderCancelled:
    """Cancel places of one order, offer them, log it, and send that order's refunds."""
    pool = services.pool
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
    return _OrderCancelled(cancelled, refunded)
