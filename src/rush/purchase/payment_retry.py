"""After a declined card: pay again while the places are held, or learn plainly they are gone.

A declined first payment leaves the order waiting and its places held until the payment
window closes. The family may open a new attempt at the same instalment (a new idempotency
key, so the provider opens a new payment; the declined one can never be charged). An attempt
still open at the provider (the family left its page) is resumed, never doubled. Once the
holds have expired the family is told its card was not charged and its places went back.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from rush.db import query
from rush.engine.holds import HoldStatus
from rush.errors import CartHoldsLost, OrderNotFound
from rush.purchase.instalment_charges import pay_declined_instalment
from rush.purchase.orders import CheckoutResult, first_payment_declines, order_result
from rush.services import Services

__all__ = ["PaymentStanding", "PaymentState", "pay_again", "payment_standing"]


class PaymentState(enum.Enum):
    SETTLED = "settled"
    """Paid, refunded or in conflict: nothing to pay here."""
    PAYING = "paying"
    """The provider has not told the outcome yet."""
    DECLINED = "declined"
    """The last attempt was declined and the places are still held: pay again."""
    RELEASED = "released"
    """Declined, and the places went back to other families: nothing was charged."""


@dataclass(frozen=True, slots=True)
class PaymentStanding:
    """Where the first payment of an order stands, and how long its places stay held."""

    state: PaymentState
    held_for_ms: int | None


async def payment_standing(
    services: Services, family_id: int, order_id: uuid.UUID
) -> PaymentStanding:
    order = await services.pool.fetchrow(query("order_summary_for_family"), order_id, family_id)
    if order is None:
        raise OrderNotFound(str(order_id))
    if order["status"] != "awaiting_payment":
        return PaymentStanding(PaymentState.SETTLED, None)
    held_for = await _held_for_ms(services, order_id)
    _, declined = await first_payment_declines(services.pool, order_id)
    if not declined:
        return PaymentStanding(PaymentState.PAYING, held_for)
    if held_for is None:
        return PaymentStanding(PaymentState.RELEASED, None)
    return PaymentStanding(PaymentState.DECLINED, held_for)


async def pay_again(
    services: Services, family_id: int, order_id: uuid.UUID, return_url: str
) -> CheckoutResult:
    """A new attempt at the first instalment after a decline (the open one, if any), while the
    places are held; `CartHoldsLost` once they went back to other families. On a paid order,
    the page to pay a declined second instalment."""
    standing = await payment_standing(services, family_id, order_id)
    if standing.state is PaymentState.RELEASED:
        raise CartHoldsLost([])
    if standing.state is PaymentState.SETTLED:
        return await pay_declined_instalment(services, family_id, order_id, return_url)
    return await order_result(services, services.provider, order_id, return_url)


async def _held_for_ms(services: Services, order_id: uuid.UUID) -> int | None:
    """Time left on the soonest of the order's holds; None once any is gone."""
    left = []
    for row in await services.pool.fetch(query("order_holds"), order_id):
        view = await services.engine.inspect(row["program_id"], row["hold_id"])
        if view.status is not HoldStatus.LIVE:
            return None
        left.append(view.expires_in_ms)
    return min(left) if left else None
