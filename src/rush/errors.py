"""Domain errors, each with a stable `code` that the web edge maps to problem details.

Tree::

    RushError
    ├── PlacesShort            code "sold_out"          a group cannot take the places asked
    ├── UnknownGroup           code "unknown_group"     the engine does not know that group
    ├── HoldExpired            code "hold_expired"      no live hold has that id
    ├── HoldAlreadyPaid        code "already_paid"      that hold became paid places
    ├── CapacityBelowCommitted code "capacity_below_committed"
    ├── InvalidHoldRequest     code "invalid_hold"      malformed items or durations
    ├── InvalidPacingSettings  code "invalid_pacing"    self-pacing targets or bounds out of range
    ├── UnknownSale            code "unknown_sale"      no waiting room for that sale
    ├── QueueClosed            code "sale_closed"       the sale no longer takes families
    ├── NotAdmitted            code "not_admitted"      not (or no longer) admitted to shop
    ├── InvalidAdmissionToken  code "invalid_admission" forged, expired or someone else's token
    ├── InvalidQueueTicket     code "invalid_queue_ticket" forged, expired or other sale's ticket
    ├── RoomTransitionRefused  code "room_transition_refused"
    ├── EmailTaken             code "email_taken"
    ├── InvalidCredentials     code "invalid_credentials"
    ├── PersonNotInFamily      code "person_not_found"  never another family's person
    ├── InvalidCartRequest     code "invalid_cart"      groups not of that program or sale
    ├── NotEligibleAge         code "not_eligible_age"
    ├── AlreadyRegistered      code "already_registered"
    ├── AlreadyInCart          code "already_in_cart"
    ├── ChildCapReached        code "child_cap_reached"
    ├── DaycareNeedsWeek       code "daycare_needs_week" a daycare slot without its camp week
    ├── SaleNotOpen            code "sale_not_open"     holds only while the sale is open
    ├── CartEmpty              code "cart_empty"
    ├── TermsNotAccepted       code "terms_not_accepted"
    ├── InstalmentsNotOffered  code "instalments_not_offered"
    ├── CartHoldsLost          code "hold_expired"      the cart's places expired before payment
    ├── OrderNotFound          code "order_not_found"
    ├── PlacesAvailable        code "places_available"  no waitlist while places are left
    ├── OfferNotAvailable      code "offer_not_available"  not offered, expired or taken
    └── FamilyNotApproved      code "account_pending"   staff have not approved the family yet
"""

from __future__ import annotations

__all__ = [
    "AlreadyInCart",
    "AlreadyRegistered",
    "CapacityBelowCommitted",
    "CartEmpty",
    "CartHoldsLost",
    "ChildCapReached",
    "DaycareNeedsWeek",
    "EmailTaken",
    "FamilyNotApproved",
    "HoldAlreadyPaid",
    "HoldExpired",
    "InstalmentsNotOffered",
    "InvalidAdmissionToken",
    "InvalidCartRequest",
    "InvalidCredentials",
    "InvalidHoldRequest",
    "InvalidPacingSettings",
    "InvalidQueueTicket",
    "NotAdmitted",
    "NotEligibleAge",
    "OfferNotAvailable",
    "OrderNotFound",
    "PersonNotInFamily",
    "PlacesAvailable",
    "PlacesShort",
    "QueueClosed",
    "RoomTransitionRefused",
    "RushError",
    "SaleNotOpen",
    "TermsNotAccepted",
    "UnknownGroup",
    "UnknownSale",
]


class RushError(Exception):
    """Root of every error Rush raises on purpose."""

    code = "rush_error"


class PlacesShort(RushError):
    """A group has fewer places left than asked for."""

    code = "sold_out"

    def __init__(self, group_id: int, places_left: int, as_of_ms: int = 0) -> None:
        super().__init__(f"group {group_id} has {places_left} place(s) left")
        self.group_id = group_id
        self.places_left = places_left
        self.as_of_ms = as_of_ms
        """The Redis clock instant the shortage was seen at."""


class UnknownGroup(RushError):
    code = "unknown_group"

    def __init__(self, group_id: int) -> None:
        super().__init__(f"group {group_id} is not open in the hold engine")
        self.group_id = group_id


class HoldExpired(RushError):
    code = "hold_expired"

    def __init__(self, hold_id: str) -> None:
        super().__init__(f"hold {hold_id} is no longer live")
        self.hold_id = hold_id


class HoldAlreadyPaid(RushError):
    code = "already_paid"

    def __init__(self, hold_id: str) -> None:
        super().__init__(f"hold {hold_id} has already become paid places")
        self.hold_id = hold_id


class CapacityBelowCommitted(RushError):
    """Lowering a capacity below what is already paid or held would break a promise."""

    code = "capacity_below_committed"

    def __init__(self, group_id: int, paid: int, held: int) -> None:
        super().__init__(f"group {group_id} has {paid} paid and {held} held place(s)")
        self.group_id = group_id
        self.paid = paid
        self.held = held


class InvalidHoldRequest(RushError):
    code = "invalid_hold"


class InvalidPacingSettings(RushError):
    code = "invalid_pacing"


class UnknownSale(RushError):
    code = "unknown_sale"

    def __init__(self, sale_id: int) -> None:
        super().__init__(f"sale {sale_id} has no waiting room")
        self.sale_id = sale_id


class QueueClosed(RushError):
    code = "sale_closed"

    def __init__(self, sale_id: int) -> None:
        super().__init__(f"sale {sale_id} is closed")
        self.sale_id = sale_id


class NotAdmitted(RushError):
    code = "not_admitted"

    def __init__(self, sale_id: int, family_id: int) -> None:
        super().__init__(f"family {family_id} is not admitted to sale {sale_id}")
        self.sale_id = sale_id
        self.family_id = family_id


class InvalidAdmissionToken(RushError):
    """A forged, expired or other family's admission token: the edge answers 403."""

    code = "invalid_admission"


class InvalidQueueTicket(RushError):
    """A missing, forged, expired or other sale's queue ticket: the edge answers 401."""

    code = "invalid_queue_ticket"


class RoomTransitionRefused(RushError):
    code = "room_transition_refused"

    def __init__(self, sale_id: int, status: str, wanted: str) -> None:
        super().__init__(f"sale {sale_id} is {status}: cannot become {wanted}")
        self.sale_id = sale_id
        self.status = status
        self.wanted = wanted


class EmailTaken(RushError):
    code = "email_taken"

    def __init__(self, email: str) -> None:
        super().__init__("an account already uses this email")
        self.email = email


class InvalidCredentials(RushError):
    code = "invalid_credentials"

    def __init__(self) -> None:
        super().__init__("wrong email or password")


class PersonNotInFamily(RushError):
    code = "person_not_found"

    def __init__(self, person_id: int) -> None:
        super().__init__(f"person {person_id} is not in this family")
        self.person_id = person_id


class InvalidCartRequest(RushError):
    code = "invalid_cart"


class _PersonGroupError(RushError):
    def __init__(self, person_id: int, group_id: int) -> None:
        super().__init__(f"person {person_id}, group {group_id}: {self.code}")
        self.person_id = person_id
        self.group_id = group_id


class NotEligibleAge(_PersonGroupError):
    code = "not_eligible_age"


class AlreadyRegistered(_PersonGroupError):
    code = "already_registered"


class AlreadyInCart(_PersonGroupError):
    code = "already_in_cart"


class DaycareNeedsWeek(_PersonGroupError):
    """A daycare slot is for the children of its camp week: asked with it, or after it."""

    code = "daycare_needs_week"


class ChildCapReached(RushError):
    code = "child_cap_reached"

    def __init__(self, person_id: int, max_places: int) -> None:
        super().__init__(f"person {person_id} may take at most {max_places} place(s) now")
        self.person_id = person_id
        self.max_places = max_places


class SaleNotOpen(RushError):
    code = "sale_not_open"

    def __init__(self, sale_id: int, status: str) -> None:
        super().__init__(f"sale {sale_id} is {status}")
        self.sale_id = sale_id
        self.status = status


class CartEmpty(RushError):
    code = "cart_empty"


class TermsNotAccepted(RushError):
    code = "terms_not_accepted"


class InstalmentsNotOffered(RushError):
    code = "instalments_not_offered"


class CartHoldsLost(RushError):
    """Some of the cart's places expired; the cart says which are still available."""

    code = "hold_expired"

    def __init__(self, program_ids: list[int]) -> None:
        super().__init__(f"holds of programs {program_ids} expired")
        self.program_ids = program_ids


class OrderNotFound(RushError):
    code = "order_not_found"


class PlacesAvailable(RushError):
    code = "places_available"

    def __init__(self, group_id: int, places_left: int) -> None:
        super().__init__(f"group {group_id} still has {places_left} place(s)")
        self.group_id = group_id
        self.places_left = places_left


class OfferNotAvailable(RushError):
    code = "offer_not_available"


class FamilyNotApproved(RushError):
    code = "account_pending"

    def __init__(self, family_id: int) -> None:
        super().__init__(f"family {family_id} is waiting for approval")
        self.family_id = family_id
