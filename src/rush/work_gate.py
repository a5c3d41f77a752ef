"""Which requests of a busy web process work first: the families already buying.

Without a rule, a saturated process runs every request it has read at once: each await then
waits a whole loop turn behind all the others, the loop reads its sockets less and less often,
and the backlog moves into the kernel's buffers, where shedding cannot see it (10,000 families
at 30x on 2 cores: shed answers took 15 s, sign-ins 9 s, and the accept queue stayed full for
three minutes, so new connections waited on TCP's retransmission back-off).

`WorkGate` lets at most `slots` requests of a process do their work at once. The others wait,
not runnable and costing nothing, in one line per `Priority`: the purchase path (cart,
checkout, payment, order) first, then everything else, then new arrivals (sign-in, sign-up,
joining a queue). Waiting requests count as in flight, so the in-flight cap sheds new arrivals
as soon as the lines grow, and the loop stays free to read its sockets and answer them fast.
"""

from __future__ import annotations

import asyncio
from collections import deque
from enum import IntEnum

__all__ = ["Priority", "WorkGate"]


class Priority(IntEnum):
    """A request's place when slots are short: lower goes first."""

    PURCHASE = 0
    """An admitted family's cart, checkout, payment or order: what the waiting room protects."""
    OTHER = 1
    """Everything else: a family in line polling its place, the catalogue, staff pages."""
    NEW_ARRIVAL = 2
    """Sign-in, sign-up, joining a queue: the spike itself, the first to wait and to be shed."""


class WorkGate:
    """At most `slots` requests at work in this process; the rest wait by priority, in order
    of arrival within a priority. Only for one event loop (no locking: asyncio is single
    threaded, and every change happens between two awaits)."""

    def __init__(self, slots: int) -> None:
        if slots < 1:
            raise ValueError("a work gate needs at least one slot")
        self.slots = slots
        self.busy = 0
        """Slots taken now."""
        self._lines: tuple[deque[asyncio.Future[None]], ...] = tuple(deque() for _ in Priority)

    @property
    def waiting(self) -> int:
        """Requests waiting for a slot now."""
        return sum(len(line) for line in self._lines)

    async def enter(self, priority: Priority, timeout_s: float | None = None) -> bool:
        """Take a slot: at once when one is free and nobody waits, else in line. False when
        `timeout_s` passed first (the caller answers without working, and must not `leave`)."""
        if self.busy < self.slots and not self.waiting:
            self.busy += 1
            return True
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        line = self._lines[priority]
        line.append(turn)
        try:
            async with asyncio.timeout(timeout_s):
                await turn
        except BaseException as stopped:
            if turn.done() and not turn.cancelled():
                self.leave()  # handed a slot in the same loop turn it gave up: pass it on
            elif turn in line:
                line.remove(turn)
            if isinstance(stopped, TimeoutError):
                return False
            raise
        return True

    def leave(self) -> None:
        """Give a slot back: straight to the first waiting request of the best priority."""
        for line in self._lines:
            while line:
                turn = line.popleft()
                if not turn.done():
                    turn.set_result(None)
                    return
        self.busy -= 1
