"""The virtual waiting room of a sale, kept in Redis.

Families who arrive before opening join a pre-queue that is drawn at opening in an order
fixed by a recorded seed; later arrivals queue in order. Admission is paced (families per
minute) and capped (families shopping at once), both changeable live; an admitted family
that goes idle loses its slot. Each method wraps one Lua script, whose reply is read by that
script's one decoder, `decode_<script>` below.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rush.engine.keys import KNOWN_SALES, sale_keys
from rush.engine.scripts import QueueScripts, Reply, reply_text
from rush.errors import NotAdmitted, QueueClosed, RoomTransitionRefused, UnknownSale
from rush.redis_clients import EngineRedis

__all__ = [
    "AdmissionRecord",
    "Draw",
    "HoldTouch",
    "QueueStanding",
    "QueueState",
    "RoomStats",
    "WaitingRoom",
    "decode_queue_admit",
    "decode_queue_configure",
    "decode_queue_leave",
    "decode_queue_open",
    "decode_queue_set_status",
    "decode_queue_stats",
    "decode_queue_status",
    "decode_queue_touch",
]

_MIN_POLL_SECONDS = 2
_MAX_POLL_SECONDS = 30


class QueueState(StrEnum):
    UNKNOWN_SALE = "unknown_sale"
    NONE = "none"
    PREQUEUE = "prequeue"
    QUEUED = "queued"
    ADMITTED = "admitted"
    EXPIRED = "expired"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class QueueStanding:
    """Where one family stands, read at one instant of the Redis clock."""

    state: QueueState
    ticket: int
    ahead: int
    measured_rate_per_min: int
    configured_rate_per_min: int
    now_ms: int
    room_status: str
    waiting: int
    opens_ms: int

    @property
    def eta_seconds(self) -> int | None:
        """Seconds until admission at the measured pace (the configured one before any data)."""
        if self.state is not QueueState.QUEUED or self.room_status != "open":
            return None
        if self.configured_rate_per_min <= 0:
            return None  # staff stopped admissions: the last minute's pace says nothing
        rate = self.measured_rate_per_min or self.configured_rate_per_min
        if rate <= 0:
            return None
        return -(-(self.ahead + 1) * 60 // rate)

    @property
    def poll_after_seconds(self) -> int:
        """How long a client should wait before asking again: rarely when far, often when near."""
        if self.state is QueueState.PREQUEUE and self.opens_ms > self.now_ms:
            until_open = (self.opens_ms - self.now_ms) // 1000
            return int(min(max(until_open // 2, _MIN_POLL_SECONDS), _MAX_POLL_SECONDS))
        eta = self.eta_seconds
        if eta is None:
            return (
                _MAX_POLL_SECONDS // 2 if self.state is QueueState.QUEUED else _MIN_POLL_SECONDS * 5
            )
        return int(min(max(eta // 10, _MIN_POLL_SECONDS), _MAX_POLL_SECONDS))


@dataclass(frozen=True, slots=True)
class Draw:
    opened_ms: int
    families: list[int]


@dataclass(frozen=True, slots=True)
class RoomStats:
    status: str
    prequeue: int
    waiting: int
    shopping: int
    admitted_total: int
    measured_rate_per_min: int
    rate_per_min: int
    max_shoppers: int
    idle_ms: int
    seed: str
    now_ms: int
    opens_ms: int = 0
    median_wait_s: int | None = None
    """Median wait (a histogram bound: "at most") of the last minute's admissions."""


@dataclass(frozen=True, slots=True)
class AdmissionRecord:
    entry_id: str
    ticket: int
    family_id: int
    admitted_ms: int


@dataclass(frozen=True, slots=True)
class HoldTouch:
    """What the hold at admission learns from the room in one call."""

    now_ms: int
    room_status: str
    """'open', 'paused', 'closed' or 'scheduled': the room's, set before Postgres's."""
    staged_cart: bytes | None
    """The family's prepared cart as `rush.purchase.staged_carts` wrote it, if staged."""


class WaitingRoom:
    """Public API of the waiting rooms; one instance per Redis client."""

    def __init__(self, redis: EngineRedis) -> None:
        self._redis = redis
        self._scripts = QueueScripts.register(redis)

    async def configure(
        self,
        sale_id: int,
        *,
        rate_per_min: int | None = None,
        max_shoppers: int | None = None,
        idle_ms: int | None = None,
        opens_ms: int | None = None,
        status_if_new: str = "scheduled",
    ) -> str:
        """Create the room if needed and change its pace; returns the room's status."""
        values = [rate_per_min, max_shoppers, idle_ms]
        args = ["" if v is None else max(int(v), 0) for v in values]
        args.append("" if opens_ms is None else opens_ms)
        args.append(status_if_new)
        reply = await self._call(self._scripts.queue_configure, sale_id, args)
        await self._redis.sadd(KNOWN_SALES, sale_id)  # type: ignore[misc]
        return decode_queue_configure(reply)

    async def standing(self, sale_id: int, family_id: int, join: bool) -> QueueStanding:
        """The family's place; with `join`, take one (the same one from every device)."""
        reply = await self._call(self._scripts.queue_status, sale_id, [family_id, 1 if join else 0])
        standing = decode_queue_status(reply, sale_id)
        if join and standing.state is QueueState.CLOSED:
            raise QueueClosed(sale_id)
        return standing

    async def open(self, sale_id: int, seed: str) -> Draw:
        """Open the sale: draw the pre-queue by `seed`, then admit at the configured pace."""
        reply = await self._call(self._scripts.queue_open, sale_id, [seed])
        return decode_queue_open(reply, sale_id)

    async def pause(self, sale_id: int) -> None:
        await self._set_status(sale_id, "paused")

    async def resume(self, sale_id: int) -> None:
        await self._set_status(sale_id, "open")

    async def close(self, sale_id: int) -> None:
        await self._set_status(sale_id, "closed")

    async def touch(self, sale_id: int, family_id: int) -> int:
        """Check the family is admitted and still shopping; returns the Redis clock in ms."""
        reply = await self._call(self._scripts.queue_touch, sale_id, [family_id])
        return decode_queue_touch(reply, sale_id, family_id)

    async def touch_for_hold(self, sale_id: int, family_id: int) -> HoldTouch:
        """`touch`, reading in the same call the room's status and the family's staged cart."""
        keys = sale_keys(sale_id)
        reply = await self._scripts.queue_touch(keys=[*keys.all, keys.staged], args=[family_id, 1])
        return decode_queue_touch_for_hold(reply, sale_id, family_id)

    async def leave(self, sale_id: int, family_id: int, grace_ms: int = 0) -> bool:
        """The family is done shopping; its slot goes to the next ticket, at once or after
        `grace_ms` without activity (a family that just paid may add a forgotten activity)."""
        reply = await self._call(self._scripts.queue_leave, sale_id, [family_id, grace_ms])
        return decode_queue_leave(reply)

    async def admit_due(self, sale_id: int) -> int:
        return decode_queue_admit(await self._call(self._scripts.queue_admit, sale_id, []))

    async def stats(self, sale_id: int) -> RoomStats:
        return decode_queue_stats(await self._call(self._scripts.queue_stats, sale_id, []), sale_id)

    async def known_sales(self) -> list[int]:
        members = await self._redis.smembers(KNOWN_SALES)  # type: ignore[misc]
        return sorted(int(m) for m in members)

    async def admissions_after(
        self, sale_id: int, after_entry_id: str, count: int = 1000
    ) -> list[AdmissionRecord]:
        """Admissions logged in Redis after an entry id, for copying into Postgres."""
        entries = await self._redis.xrange(
            sale_keys(sale_id).admissions, min=f"({after_entry_id}", count=count
        )
        records = []
        for entry_id, fields in entries:
            values = {reply_text(k): reply_text(v) for k, v in fields.items()}
            records.append(
                AdmissionRecord(
                    reply_text(entry_id),
                    int(values["seq"]),
                    int(values["family"]),
                    int(values["ms"]),
                )
            )
        return records

    async def trim_admissions(self, sale_id: int, up_to_entry_id: str) -> None:
        """Forget admissions already copied into Postgres."""
        await self._redis.xtrim(sale_keys(sale_id).admissions, minid=up_to_entry_id)

    async def _set_status(self, sale_id: int, status: str) -> None:
        reply = await self._call(self._scripts.queue_set_status, sale_id, [status])
        decode_queue_set_status(reply, sale_id, status)

    async def _call(self, script: Any, sale_id: int, args: list[Any]) -> list[Any]:
        reply: list[Any] = await script(keys=sale_keys(sale_id).all, args=args)
        return reply


# -- one reading of each script's reply, as its Lua header describes it ----------------------


def decode_queue_configure(reply: Reply) -> str:
    """`queue_configure.lua`: the room's status after the change."""
    return reply_text(reply[1])


def decode_queue_status(reply: Reply, sale_id: int) -> QueueStanding:
    """`queue_status.lua`: where the family stands, or `UnknownSale`."""
    standing = QueueStanding(
        state=QueueState(reply_text(reply[0])),
        ticket=int(reply[1]),
        ahead=int(reply[2]),
        measured_rate_per_min=int(reply[3]),
        now_ms=int(reply[4]),
        room_status=reply_text(reply[5]),
        waiting=int(reply[6]),
        opens_ms=int(reply[7]),
        configured_rate_per_min=int(reply[8]),
    )
    if standing.state is QueueState.UNKNOWN_SALE:
        raise UnknownSale(sale_id)
    return standing


def decode_queue_open(reply: Reply, sale_id: int) -> Draw:
    """`queue_open.lua`: the pre-queue in drawn order, or `RoomTransitionRefused`."""
    if reply_text(reply[0]) != "ok":
        raise RoomTransitionRefused(sale_id, reply_text(reply[1]) or "unknown", "open")
    return Draw(int(reply[1]), [int(f) for f in reply[2:]])


def decode_queue_set_status(reply: Reply, sale_id: int, wanted: str) -> None:
    """`queue_set_status.lua`: nothing when changed, else `RoomTransitionRefused`."""
    if reply_text(reply[0]) != "ok":
        raise RoomTransitionRefused(sale_id, reply_text(reply[1]) or "unknown", wanted)


def decode_queue_touch(reply: Reply, sale_id: int, family_id: int) -> int:
    """`queue_touch.lua`: the Redis clock in ms while the family shops, else `NotAdmitted`."""
    if reply_text(reply[0]) != "ok":
        raise NotAdmitted(sale_id, family_id)
    return int(reply[1])


def decode_queue_touch_for_hold(reply: Reply, sale_id: int, family_id: int) -> HoldTouch:
    """`queue_touch.lua` reading: the clock, the room's status and the staged cart, if any."""
    now_ms = decode_queue_touch(reply, sale_id, family_id)
    staged = reply[3]
    return HoldTouch(now_ms, reply_text(reply[2]), bytes(staged) if staged else None)


def decode_queue_leave(reply: Reply) -> bool:
    """`queue_leave.lua`: whether the family was shopping until now."""
    return bool(int(reply[1]))


def decode_queue_admit(reply: Reply) -> int:
    """`queue_admit.lua`: how many families were admitted now."""
    return int(reply[0])


def decode_queue_stats(reply: Reply, sale_id: int) -> RoomStats:
    """`queue_stats.lua`: the room's figures, or `UnknownSale`."""
    if reply_text(reply[0]) == "unknown_sale":
        raise UnknownSale(sale_id)
    return RoomStats(
        status=reply_text(reply[0]),
        prequeue=int(reply[1]),
        waiting=int(reply[2]),
        shopping=int(reply[3]),
        admitted_total=int(reply[4]),
        measured_rate_per_min=int(reply[5]),
        rate_per_min=int(reply[6]),
        max_shoppers=int(reply[7]),
        idle_ms=int(reply[8]),
        seed=reply_text(reply[9]),
        now_ms=int(reply[10]),
        opens_ms=int(reply[11]),
        median_wait_s=int(reply[12]) or None,
    )
