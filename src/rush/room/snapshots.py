"""A per-process view of each sale's waiting room, at most a quarter second old.

Most requests of a rush are families in line asking where they stand. Their place follows
from their signed ticket number and the room's head (`rush.room.tickets`), so each web
process reads the room once per `max_age_s`, however many families poll, and answers them
from that reading (`rush.fresh_readings`). The read runs the room's admissions like any poll
did, so the pace does not depend on who polls.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rush.fresh_readings import FreshReadings
from rush.room.tickets import QueueTicket
from rush.room.waiting_room import QueueStanding, QueueState, RoomStats, WaitingRoom

__all__ = ["SNAPSHOT_MAX_AGE_S", "RoomSnapshots", "queued_standing"]

SNAPSHOT_MAX_AGE_S = 0.25
"""How stale a family's place may be: well under the 2 s a client waits between polls."""


class RoomSnapshots(FreshReadings[int, RoomStats]):
    """Each sale's room numbers (`WaitingRoom.stats`), read at most every `max_age_s`."""

    def __init__(
        self,
        room: WaitingRoom,
        max_age_s: float = SNAPSHOT_MAX_AGE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(room.stats, max_age_s, clock=clock)


def queued_standing(stats: RoomStats, ticket: QueueTicket) -> QueueStanding | None:
    """The family's place when its ticket is still beyond the head; None when the room itself
    must answer (admitted, idled out, or a ticket the family has since replaced)."""
    head = stats.admitted_total
    if ticket.ticket <= head:
        return None
    return QueueStanding(
        state=QueueState.QUEUED,
        ticket=ticket.ticket,
        ahead=ticket.ticket - head - 1,
        measured_rate_per_min=stats.measured_rate_per_min,
        configured_rate_per_min=stats.rate_per_min,
        now_ms=stats.now_ms,
        room_status=stats.status,
        waiting=stats.waiting,
        opens_ms=stats.opens_ms,
    )
