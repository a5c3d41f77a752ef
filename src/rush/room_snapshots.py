"""A per-process view of each sale's waiting room, at most a quarter second old.

Most requests of a rush are families in line asking where they stand. Their place follows
from their signed ticket number and the room's head (`rush.queue_tickets`), so each web
process reads the room once per `max_age_s`, however many families poll, and answers them
from that reading. The read runs the room's admissions like any poll did, so the pace does
not depend on who polls. One read is in flight per sale: concurrent polls share it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from rush.queue_tickets import QueueTicket
from rush.waiting_room import QueueStanding, QueueState, RoomStats, WaitingRoom

__all__ = ["SNAPSHOT_MAX_AGE_S", "RoomSnapshots", "queued_standing"]

SNAPSHOT_MAX_AGE_S = 0.25
"""How stale a family's place may be: well under the 2 s a client waits between polls."""


class RoomSnapshots:
    def __init__(
        self,
        room: WaitingRoom,
        max_age_s: float = SNAPSHOT_MAX_AGE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._room = room
        self._max_age_s = max_age_s
        self._clock = clock
        self._latest: dict[int, tuple[float, RoomStats]] = {}
        self._reading: dict[int, asyncio.Future[RoomStats]] = {}

    async def get(self, sale_id: int) -> RoomStats:
        """The room's numbers, read from Redis when the last reading is too old."""
        latest = self._latest.get(sale_id)
        if latest is not None and self._clock() - latest[0] < self._max_age_s:
            return latest[1]
        reading = self._reading.get(sale_id)
        if reading is None:
            reading = asyncio.ensure_future(self._read(sale_id))
            self._reading[sale_id] = reading
        # Shielded: a poll whose client went away must not cancel the others' reading.
        return await asyncio.shield(reading)

    async def _read(self, sale_id: int) -> RoomStats:
        try:
            stats = await self._room.stats(sale_id)
            self._latest[sale_id] = (self._clock(), stats)
            return stats
        finally:
            del self._reading[sale_id]


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
