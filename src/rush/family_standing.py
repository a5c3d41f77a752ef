"""Where a family stands in one sale, as one state every page can act on.

The header of every family page names this state and the one action that fits it (see
docs/family-states.md). The states are checked in order of urgency: a payment under way or
declined comes before held places, held places before the line, and so on; a family is
always in exactly one. Reading it costs one PostgreSQL row and one waiting-room read, plus
the cart's countdown only when the family is admitted and the readiness checklist only
before opening.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from rush.db import query
from rush.errors import UnknownSale
from rush.families.readiness import readiness
from rush.purchase.payment_retry import PaymentState, payment_standing
from rush.room.waiting_room import QueueState
from rush.services import Services

__all__ = ["FamilyStanding", "FamilyState", "family_standing"]


class FamilyState(enum.Enum):
    PENDING_APPROVAL = "pending_approval"
    REFUSED = "refused"
    PAYING = "paying"
    """Sent to pay; the provider has not answered yet."""
    DECLINED = "declined"
    """The card was declined and the places are still held: pay again."""
    HOLDING = "holding"
    """Admitted, with places held in the cart and a countdown."""
    ADMITTED = "admitted"
    """Its turn, nothing held yet."""
    IN_LINE = "in_line"
    """In the pre-queue before opening, or queued after."""
    IDLED_OUT = "idled_out"
    """Its turn passed without payment; a new place in line is needed."""
    PAID = "paid"
    FILE_INCOMPLETE = "file_incomplete"
    """Before opening, something is missing in the family file."""
    READY = "ready"
    """Nothing under way: the sale's usual next step."""


@dataclass(frozen=True, slots=True)
class FamilyStanding:
    state: FamilyState
    held_for_ms: int | None = None
    """The places' countdown, when holding or declined."""
    order_id: uuid.UUID | None = None
    """The order to pay, when paying or declined."""
    turn_running: bool = False
    """Paid and still admitted: a forgotten activity needs no new place in line."""


async def family_standing(
    services: Services, family_id: int, sale_id: int, sale_status: str
) -> FamilyStanding:
    row = await services.pool.fetchrow(query("family_standing_in_sale"), family_id, sale_id)
    if row is None or row["status"] == "pending":
        return FamilyStanding(FamilyState.PENDING_APPROVAL)
    if row["status"] == "refused":
        return FamilyStanding(FamilyState.REFUSED)
    order_id = row["awaiting_order"]
    if order_id is not None:
        payment = await payment_standing(services, family_id, order_id)
        if payment.state is PaymentState.PAYING:
            return FamilyStanding(FamilyState.PAYING, payment.held_for_ms, order_id)
        if payment.state is PaymentState.DECLINED:
            return FamilyStanding(FamilyState.DECLINED, payment.held_for_ms, order_id)
    try:
        room_state = (await services.room.standing(sale_id, family_id, join=False)).state
    except UnknownSale:
        # A sale on show whose waiting room is not prepared yet: nobody can be in it.
        room_state = QueueState.NONE
    if room_state is QueueState.ADMITTED:
        cart = await services.carts.view(family_id, sale_id)
        if cart.expires_in_ms:
            return FamilyStanding(FamilyState.HOLDING, cart.expires_in_ms)
        if row["paid"]:
            return FamilyStanding(FamilyState.PAID, turn_running=True)
        return FamilyStanding(FamilyState.ADMITTED)
    if room_state in (QueueState.PREQUEUE, QueueState.QUEUED):
        return FamilyStanding(FamilyState.IN_LINE)
    if row["paid"]:
        return FamilyStanding(FamilyState.PAID)
    if room_state is QueueState.EXPIRED:
        return FamilyStanding(FamilyState.IDLED_OUT)
    if sale_status == "scheduled" and not (await readiness(services.pool, family_id)).ready:
        return FamilyStanding(FamilyState.FILE_INCOMPLETE)
    return FamilyStanding(FamilyState.READY)
