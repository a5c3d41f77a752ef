"""Domain errors, each with a stable `code` that the web edge maps to problem details.

Tree::

    RushError
    ├── PlacesShort            code "sold_out"          a group cannot take the places asked
    ├── UnknownGroup           code "unknown_group"     the engine does not know that group
    ├── HoldExpired            code "hold_expired"      no live hold has that id
    ├── HoldAlreadyPaid        code "already_paid"      that hold became paid places
    ├── CapacityBelowCommitted code "capacity_below_committed"
    └── InvalidHoldRequest     code "invalid_hold"      malformed items or durations
"""

from __future__ import annotations

__all__ = [
    "CapacityBelowCommitted",
    "HoldAlreadyPaid",
    "HoldExpired",
    "InvalidHoldRequest",
    "PlacesShort",
    "RushError",
    "UnknownGroup",
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
