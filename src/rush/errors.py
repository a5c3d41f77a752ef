"""Every error Rush raises on purpose: one root, a stable `code` and an HTTP `status` each.

The `code` is the contract with clients and the key of the message a family reads
(`rush.i18n.error_message`); `status` is what the web edge answers with. Errors of one
package live beside the rule that raises them, so the tree below lists them all, grouped by
module; `tests/core/test_error_codes.py` fails if it misses one or disagrees with a class.

Tree (class, status, code, why)::

    RushError                   400 rush_error
    │ rush.errors: holds, waiting room, accounts, carts, checkout, orders, waitlist
    ├── PlacesShort             409 sold_out                  a group lacks the places asked
    ├── UnknownGroup            404 unknown_group             the engine does not know it
    ├── HoldExpired             409 hold_expired              no live hold has that id
    ├── HoldAlreadyPaid         409 already_paid              that hold became paid places
    ├── CapacityBelowCommitted  409 capacity_below_committed  below what is paid or held
    ├── InvalidHoldRequest      400 invalid_hold              malformed items or durations
    ├── InvalidPacingSettings   400 invalid_pacing            self-pacing targets out of range
    ├── UnknownSale             404 unknown_sale              no waiting room for that sale
    ├── QueueClosed             409 sale_closed               the sale no longer takes families
    ├── NotAdmitted             403 not_admitted              not (or no longer) admitted
    ├── InvalidAdmissionToken   403 invalid_admission         forged, expired or another's token
    ├── InvalidQueueTicket      401 invalid_queue_ticket      forged, expired or other sale's
    ├── RoomTransitionRefused   409 room_transition_refused   not from the room's current state
    ├── EmailTaken              409 email_taken
    ├── InvalidCredentials      401 invalid_credentials
    ├── TooManyAttempts         429 rate_limited              one account tried too often
    ├── PersonNotInFamily       404 person_not_found          never another family's person
    ├── InvalidCartRequest      400 invalid_cart              groups not of that program or sale
    ├── _PersonGroupError           (a person and a group; never raised itself)
    │   ├── NotEligibleAge      422 not_eligible_age
    │   ├── AlreadyRegistered   409 already_registered
    │   ├── AlreadyInCart       409 already_in_cart
    │   └── DaycareNeedsWeek    422 daycare_needs_week        a daycare slot without its week
    ├── ChildCapReached         409 child_cap_reached
    ├── SaleNotOpen             409 sale_not_open             holds only while the sale is open
    ├── CartEmpty               409 cart_empty
    ├── TermsNotAccepted        422 terms_not_accepted
    ├── InstalmentsNotOffered   422 instalments_not_offered
    ├── InstalmentConsentMissing 422 instalment_consent_missing two instalments, card not authorised
    ├── CartHoldsLost           409 hold_expired              the cart's places expired
    ├── OrderNotFound           404 order_not_found
    ├── PlacesAvailable         409 places_available          no waitlist while places are left
    ├── OfferNotAvailable       409 offer_not_available       not offered, expired or taken
    ├── FamilyNotApproved       403 account_pending           staff have not approved it yet
    ├── EmailNotConfirmed       403 email_not_confirmed       its confirmation link not opened yet
    │ rush.crypto
    ├── UndecryptableField      409 undecryptable_field       no known key wrote it, or altered
    │ rush.catalogue.checks
    ├── CatalogueInvalid        422 catalogue_invalid         missing, too long or out of range
    │   ├── DatesOutOfOrder     422 dates_out_of_order        an end before its start
    │   ├── AgesOutOfOrder      422 ages_out_of_order         age_min above age_max
    │   ├── NegativeAmount      422 negative_amount           a capacity, price or age below 0
    │   ├── NotPositive         422 not_positive              a per-child cap of zero
    │   └── DaycareGroupInvalid 422 daycare_group_invalid     not with a group of its sale
    ├── CatalogueItemNotFound   404 catalogue_not_found
    │ rush.child_claims
    ├── ChildClaimedElsewhere   409 child_claimed_elsewhere   another family holds the child
    │ rush.load_shedding
    ├── ServersBusy             503 servers_busy              a saturated process sheds new arrivals
    │ rush.families.account_tokens
    ├── InvalidAccountLink      400 invalid_account_link      unknown, already used or expired
    │ rush.families.approvals
    ├── RefusalReasonInvalid    422 refusal_reason_invalid    a refusal without a reason
    │ rush.families.family_file_types
    ├── FamilyFileInvalid       400 family_file_invalid       a value missing or malformed
    ├── UnknownFamily           404 unknown_family
    │ rush.documents.family_documents
    ├── ReceiptUnavailable      404 receipt_unavailable       no payer named, or no payment
    │ rush.ops.attendance
    ├── NotRegisteredInGroup    422 not_registered_in_group   cannot be marked present there
    ├── NotAuthorisedForPickup  422 not_authorised_for_pickup not allowed to take the child home
    │ rush.ops.sale_controls
    ├── NoFamilyWithEmail       404 unknown_family            no family account has that email
    │ rush.purchase.cancellations
    ├── RegistrationNotInOrder  404 registration_not_found
    ├── RefundAmountInvalid     422 refund_amount_invalid     below zero, or above what was paid
    │ rush.purchase.instalment_charges
    ├── NoChargeToRetry         409 no_charge_to_retry        paid, under way, or no card saved
    │ rush.purchase.policies
    ├── PolicyEmpty             422 policy_empty              a policy text missing in a language
    │ rush.purchase.payments.errors
    ├── InvalidWebhook          400 invalid_webhook           unsigned, forged, stale, malformed
    ├── InvalidPaymentRequest   400 invalid_payment_request   a charge the provider cannot take
    ├── IdempotencyKeyReused    400 idempotency_key_reused    one key sent with another request
    ├── UnknownProviderPayment  400 unknown_provider_payment  the provider has no such payment
    └── RefundRefused           409 refund_refused            not paid, refunded, or too much
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "AlreadyInCart",
    "AlreadyRegistered",
    "CapacityBelowCommitted",
    "CartEmpty",
    "CartHoldsLost",
    "ChildCapReached",
    "DaycareNeedsWeek",
    "EmailNotConfirmed",
    "EmailTaken",
    "FamilyNotApproved",
    "HoldAlreadyPaid",
    "HoldExpired",
    "InstalmentConsentMissing",
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
    "TooManyAttempts",
    "UnknownGroup",
    "UnknownSale",
]


class RushError(Exception):
    """Root of every error Rush raises on purpose; each subclass names its own code and status."""

    code: ClassVar[str] = "rush_error"
    status: ClassVar[int] = 400
    """The HTTP status the web edge answers with, a plain int so `rush` needs no web import."""


class PlacesShort(RushError):
    """A group has fewer places left than asked for."""

    code = "sold_out"
    status = 409

    def __init__(self, group_id: int, places_left: int, as_of_ms: int = 0) -> None:
        super().__init__(f"group {group_id} has {places_left} place(s) left")
        self.group_id = group_id
        self.places_left = places_left
        self.as_of_ms = as_of_ms
        """The Redis clock instant the shortage was seen at."""


class UnknownGroup(RushError):
    code = "unknown_group"
    status = 404

    def __init__(self, group_id: int) -> None:
        super().__init__(f"group {group_id} is not open in the hold engine")
        self.group_id = group_id


class HoldExpired(RushError):
    code = "hold_expired"
    status = 409

    def __init__(self, hold_id: str) -> None:
        super().__init__(f"hold {hold_id} is no longer live")
        self.hold_id = hold_id


class HoldAlreadyPaid(RushError):
    code = "already_paid"
    status = 409

    def __init__(self, hold_id: str) -> None:
        super().__init__(f"hold {hold_id} has already become paid places")
        self.hold_id = hold_id


class CapacityBelowCommitted(RushError):
    """Lowering a capacity below what is already paid or held would break a promise."""

    code = "capacity_below_committed"
    status = 409

    def __init__(self, group_id: int, paid: int, held: int) -> None:
        super().__init__(f"group {group_id} has {paid} paid and {held} held place(s)")
        self.group_id = group_id
        self.paid = paid
        self.held = held


class InvalidHoldRequest(RushError):
    code = "invalid_hold"
    status = 400


class InvalidPacingSettings(RushError):
    code = "invalid_pacing"
    status = 400


class UnknownSale(RushError):
    code = "unknown_sale"
    status = 404

    def __init__(self, sale_id: int) -> None:
        super().__init__(f"sale {sale_id} has no waiting room")
        self.sale_id = sale_id


class QueueClosed(RushError):
    code = "sale_closed"
    status = 409

    def __init__(self, sale_id: int) -> None:
        super().__init__(f"sale {sale_id} is closed")
        self.sale_id = sale_id


class NotAdmitted(RushError):
    code = "not_admitted"
    status = 403

    def __init__(self, sale_id: int, family_id: int) -> None:
        super().__init__(f"family {family_id} is not admitted to sale {sale_id}")
        self.sale_id = sale_id
        self.family_id = family_id


class InvalidAdmissionToken(RushError):
    """A forged, expired or other family's admission token: the edge answers 403."""

    code = "invalid_admission"
    status = 403


class InvalidQueueTicket(RushError):
    """A missing, forged, expired or other sale's queue ticket: the edge answers 401."""

    code = "invalid_queue_ticket"
    status = 401


class RoomTransitionRefused(RushError):
    code = "room_transition_refused"
    status = 409

    def __init__(self, sale_id: int, sale_status: str, wanted: str) -> None:
        super().__init__(f"sale {sale_id} is {sale_status}: cannot become {wanted}")
        self.sale_id = sale_id
        self.sale_status = sale_status
        self.wanted = wanted


class EmailTaken(RushError):
    code = "email_taken"
    status = 409

    def __init__(self, email: str) -> None:
        super().__init__("an account already uses this email")
        self.email = email


class InvalidCredentials(RushError):
    code = "invalid_credentials"
    status = 401

    def __init__(self) -> None:
        super().__init__("wrong email or password")


class TooManyAttempts(RushError):
    """One account (the email given) tried a door too often, from whatever addresses."""

    code = "rate_limited"
    status = 429

    def __init__(self, door: str) -> None:
        super().__init__(f"too many {door} attempts for one account")
        self.door = door


class PersonNotInFamily(RushError):
    code = "person_not_found"
    status = 404

    def __init__(self, person_id: int) -> None:
        super().__init__(f"person {person_id} is not in this family")
        self.person_id = person_id


class InvalidCartRequest(RushError):
    code = "invalid_cart"
    status = 400


class _PersonGroupError(RushError):
    def __init__(self, person_id: int, group_id: int) -> None:
        super().__init__(f"person {person_id}, group {group_id}: {self.code}")
        self.person_id = person_id
        self.group_id = group_id


class NotEligibleAge(_PersonGroupError):
    code = "not_eligible_age"
    status = 422


class AlreadyRegistered(_PersonGroupError):
    code = "already_registered"
    status = 409


class AlreadyInCart(_PersonGroupError):
    code = "already_in_cart"
    status = 409


class DaycareNeedsWeek(_PersonGroupError):
    """A daycare slot is for the children of its camp week: asked with it, or after it."""

    code = "daycare_needs_week"
    status = 422


class ChildCapReached(RushError):
    code = "child_cap_reached"
    status = 409

    def __init__(self, person_id: int, max_places: int) -> None:
        super().__init__(f"person {person_id} may take at most {max_places} place(s) now")
        self.person_id = person_id
        self.max_places = max_places


class SaleNotOpen(RushError):
    code = "sale_not_open"
    status = 409

    def __init__(self, sale_id: int, sale_status: str) -> None:
        super().__init__(f"sale {sale_id} is {sale_status}")
        self.sale_id = sale_id
        self.sale_status = sale_status


class CartEmpty(RushError):
    code = "cart_empty"
    status = 409


class TermsNotAccepted(RushError):
    code = "terms_not_accepted"
    status = 422


class InstalmentsNotOffered(RushError):
    code = "instalments_not_offered"
    status = 422


class InstalmentConsentMissing(RushError):
    """Two instalments need the family's consent to have the second charged to its card."""

    code = "instalment_consent_missing"
    status = 422


class CartHoldsLost(RushError):
    """Some of the cart's places expired; the cart says which are still available."""

    code = "hold_expired"
    status = 409

    def __init__(self, program_ids: list[int]) -> None:
        super().__init__(f"holds of programs {program_ids} expired")
        self.program_ids = program_ids


class OrderNotFound(RushError):
    code = "order_not_found"
    status = 404


class PlacesAvailable(RushError):
    code = "places_available"
    status = 409

    def __init__(self, group_id: int, places_left: int) -> None:
        super().__init__(f"group {group_id} still has {places_left} place(s)")
        self.group_id = group_id
        self.places_left = places_left


class OfferNotAvailable(RushError):
    code = "offer_not_available"
    status = 409


class FamilyNotApproved(RushError):
    code = "account_pending"
    status = 403

    def __init__(self, family_id: int) -> None:
        super().__init__(f"family {family_id} is waiting for approval")
        self.family_id = family_id


class EmailNotConfirmed(RushError):
    """The account has not opened its confirmation link yet: one address, one real person."""

    code = "email_not_confirmed"
    status = 403

    def __init__(self, account_id: int) -> None:
        super().__init__(f"account {account_id} has not confirmed its email")
