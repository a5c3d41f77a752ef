"""From a prepared cart to paid places, and back when staff cancel.

`shopping` is what a family does on opening morning (add to cart, hold at admission, check
out), the same through the API and the pages; `carts` holds and releases a family's places;
`checkout` turns a held cart into an order; `orders` records payment events and finalizes
paid orders; `payment_event_checks` rejects an event that is not what Rush asked the
provider; `finalize_sweep` finds those whose finalize never finished; `cancellations`
refunds; `staff_cancellations` is an admin's whole cancellation (cancel, offer, log, email,
refund), `cancellation_preview` what it would do, shown before the admin confirms;
`waitlist` offers freed places; `staff_orders` is what staff read of orders; `payments/` is
the provider interface.
"""

__all__ = [
    "cancellation_preview",
    "cancellations",
    "carts",
    "checkout",
    "finalize_sweep",
    "orders",
    "payment_event_checks",
    "payments",
    "shopping",
    "staff_cancellations",
    "staff_orders",
    "waitlist",
]
