"""The hold engine: atomic, expiring holds on places, kept in Redis.

A place is held while a family shops and counts as reserved only once `confirm` turns the
hold into a paid place. Each method wraps one Lua script; the script's one decoder,
`decode_<script>` below, turns its raw reply into a typed result or a `RushError`, so raw
Redis replies never leave the engine.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, cast

from rush.engine.keys import KNOWN_PROGRAMS, program_keys
from rush.engine.scripts import EngineScripts, Reply, reply_text
from rush.errors import (
    CapacityBelowCommitted,
    HoldAlreadyPaid,
    HoldExpired,
    InvalidHoldRequest,
    PlacesShort,
    UnknownGroup,
)
from rush.redis_clients import EngineRedis, gather_per_key

__all__ = [
    "ConfirmOutcome",
    "GroupDrift",
    "GroupPlaces",
    "GroupSnapshot",
    "HoldEngine",
    "HoldGranted",
    "HoldStatus",
    "HoldView",
    "PlacesReading",
    "decode_confirm",
    "decode_extend",
    "decode_hold",
    "decode_inspect",
    "decode_places_left",
    "decode_reconcile",
    "decode_release",
    "decode_set_capacity",
    "decode_sweep",
]


@dataclass(frozen=True, slots=True)
class HoldGranted:
    hold_id: str
    expires_at_ms: int
    now_ms: int
    replaced: bool = False
    """The hold id was already live: its items were replaced rather than taken anew."""

    @property
    def expires_in_ms(self) -> int:
        """Time left by the Redis clock, so a countdown never trusts the browser's clock."""
        return self.expires_at_ms - self.now_ms


@dataclass(frozen=True, slots=True)
class GroupPlaces:
    group_id: int
    capacity: int
    paid: int
    held: int

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.paid - self.held, 0)


@dataclass(frozen=True, slots=True)
class PlacesReading:
    """Places of several groups, read at one instant of the Redis clock."""

    now_ms: int
    groups: dict[int, GroupPlaces]


@dataclass(frozen=True, slots=True)
class GroupSnapshot:
    """What Postgres says about one group: its capacity and its paid places."""

    group_id: int
    capacity: int
    paid: int


@dataclass(frozen=True, slots=True)
class GroupDrift:
    """One group whose Redis counts differed from what reconcile rebuilt."""

    group_id: int
    capacity: tuple[int, int]
    paid: tuple[int, int]
    held: tuple[int, int]


class HoldStatus(Enum):
    LIVE = "live"
    PAID = "paid"
    ABSENT = "absent"


@dataclass(frozen=True, slots=True)
class HoldView:
    """One hold as the engine sees it now; `items` and expiries only when live."""

    hold_id: str
    status: HoldStatus
    now_ms: int
    items: dict[int, int]
    expires_at_ms: int = 0
    latest_ms: int = 0

    @property
    def expires_in_ms(self) -> int:
        return max(self.expires_at_ms - self.now_ms, 0)


class ConfirmOutcome(Enum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"


class HoldEngine:
    """Public API of the hold engine; one instance per Redis client."""

    def __init__(self, redis: EngineRedis) -> None:
        self._redis = redis
        self._scripts = EngineScripts.register(redis)

    @property
    def redis(self) -> EngineRedis:
        """The client the engine runs on, for the stores kept beside its keys."""
        return self._redis

    async def hold(
        self,
        program_id: int,
        hold_id: str,
        items: Mapping[int, int],
        ttl_ms: int,
        max_lifetime_ms: int,
    ) -> HoldGranted:
        """Hold `items` (group -> places) of one program, all or nothing.

        Holding again under a live `hold_id` replaces its items atomically.
        """
        if not items or any(qty <= 0 for qty in items.values()):
            raise InvalidHoldRequest("a hold needs at least one group and positive quantities")
        if ttl_ms <= 0 or max_lifetime_ms < ttl_ms:
            raise InvalidHoldRequest("ttl must be positive and within the maximum lifetime")
        args: list[Any] = [hold_id, ttl_ms, max_lifetime_ms]
        for group_id, qty in items.items():
            args += [group_id, qty]
        return decode_hold(await self._call(self._scripts.hold, program_id, args), hold_id)

    async def release(self, program_id: int, hold_id: str) -> int:
        """Give back a hold's places; returns how many (0 when it was already gone)."""
        return decode_release(await self._call(self._scripts.release, program_id, [hold_id]))

    async def extend(self, program_id: int, hold_id: str, ttl_ms: int) -> HoldGranted:
        """Push a live hold's expiry to now + ttl, capped by its latest expiry."""
        reply = await self._call(self._scripts.extend, program_id, [hold_id, ttl_ms])
        return decode_extend(reply, hold_id)

    async def confirm(self, program_id: int, hold_id: str) -> ConfirmOutcome:
        """Turn a live hold into paid places; confirming twice is harmless."""
        reply = await self._call(self._scripts.confirm, program_id, [hold_id])
        return decode_confirm(reply, hold_id)

    async def inspect(self, program_id: int, hold_id: str) -> HoldView:
        """What a hold is now: live (with its items and expiry), paid, or absent."""
        reply = await self._call(self._scripts.inspect, program_id, [hold_id])
        return decode_inspect(reply, hold_id)

    async def places(self, program_id: int, group_ids: Sequence[int]) -> PlacesReading:
        """Capacity, paid and held places of many groups of one program, in one round trip."""
        reply = await self._call(self._scripts.places_left, program_id, list(group_ids))
        return decode_places_left(reply, group_ids)

    async def places_many(
        self, groups_by_program: Mapping[int, Sequence[int]]
    ) -> dict[int, GroupPlaces]:
        """Places of groups across several programs: one script per program, all at once
        (each program's keys live on one shard of a cluster)."""
        readings = await gather_per_key(
            groups_by_program.items(),
            lambda item: self.places(item[0], item[1]),
        )
        found: dict[int, GroupPlaces] = {}
        for reading in readings:
            found.update(reading.groups)
        return found

    async def set_capacity(self, program_id: int, group_id: int, capacity: int) -> None:
        """Change a group's capacity; refused below what is paid plus held."""
        if capacity < 0:
            raise InvalidHoldRequest("capacity cannot be negative")
        reply = await self._call(self._scripts.set_capacity, program_id, [group_id, capacity])
        decode_set_capacity(reply, group_id)

    async def sweep(self, program_id: int) -> int:
        """Purge the program's expired holds; returns how many were purged."""
        return decode_sweep(await self._call(self._scripts.sweep, program_id, []))

    async def known_programs(self) -> list[int]:
        # redis-py types its asyncio commands as sync-or-async: name the awaitable.
        members = await cast(Awaitable[set[bytes]], self._redis.smembers(KNOWN_PROGRAMS))
        return sorted(int(member) for member in members)

    async def reconcile(
        self,
        program_id: int,
        groups: Iterable[GroupSnapshot],
        paid_hold_ids: Iterable[str],
    ) -> list[GroupDrift]:
        """Rebuild a program's capacities and paid counts from a Postgres snapshot."""
        snapshot = list(groups)
        args: list[Any] = [len(snapshot)]
        for group in snapshot:
            args += [group.group_id, group.capacity, group.paid]
        args += list(paid_hold_ids)
        reply = await self._call(self._scripts.reconcile, program_id, args)
        await cast(Awaitable[int], self._redis.sadd(KNOWN_PROGRAMS, program_id))
        return decode_reconcile(reply)

    async def _call(self, script: Any, program_id: int, args: list[Any]) -> list[Any]:
        reply: list[Any] = await script(keys=program_keys(program_id).all, args=args)
        return reply


# -- one reading of each script's reply, as its Lua header describes it ----------------------


def decode_hold(reply: Reply, hold_id: str) -> HoldGranted:
    """`hold.lua`: the hold granted, or why not (short, unknown group, already paid)."""
    status = reply_text(reply[0])
    if status == "ok":
        return HoldGranted(hold_id, int(reply[1]), int(reply[2]), bool(int(reply[3])))
    if status == "short":
        raise PlacesShort(int(reply[1]), int(reply[2]), int(reply[3]))
    if status == "unknown_group":
        raise UnknownGroup(int(reply[1]))
    raise HoldAlreadyPaid(hold_id)


def decode_release(reply: Reply) -> int:
    """`release.lua`: the places given back, 0 when the hold was already gone."""
    return int(reply[1]) if reply_text(reply[0]) == "ok" else 0


def decode_extend(reply: Reply, hold_id: str) -> HoldGranted:
    """`extend.lua`: the hold's new expiry, or `HoldExpired`."""
    if reply_text(reply[0]) != "ok":
        raise HoldExpired(hold_id)
    return HoldGranted(hold_id, int(reply[1]), int(reply[2]))


def decode_confirm(reply: Reply, hold_id: str) -> ConfirmOutcome:
    """`confirm.lua`: confirmed now or before, or `HoldExpired`."""
    status = reply_text(reply[0])
    if status == "ok":
        return ConfirmOutcome.CONFIRMED
    if status == "already":
        return ConfirmOutcome.ALREADY_CONFIRMED
    raise HoldExpired(hold_id)


def decode_inspect(reply: Reply, hold_id: str) -> HoldView:
    """`inspect.lua`: a live hold with its items and expiries, or paid, or absent."""
    status = HoldStatus(reply_text(reply[0]))
    if status is not HoldStatus.LIVE:
        return HoldView(hold_id, status, int(reply[1]), {})
    items = {int(reply[n]): int(reply[n + 1]) for n in range(4, len(reply), 2)}
    return HoldView(hold_id, status, int(reply[3]), items, int(reply[1]), int(reply[2]))


def decode_places_left(reply: Reply, group_ids: Sequence[int]) -> PlacesReading:
    """`places_left.lua`: capacity, paid and held of each group asked, in the order asked."""
    places = {}
    for n, group_id in enumerate(group_ids):
        capacity, paid, held = (int(v) for v in reply[1 + n * 3 : 4 + n * 3])
        if capacity < 0:
            raise UnknownGroup(group_id)
        places[group_id] = GroupPlaces(group_id, capacity, paid, held)
    return PlacesReading(int(reply[0]), places)


def decode_set_capacity(reply: Reply, group_id: int) -> None:
    """`set_capacity.lua`: nothing when changed, else `UnknownGroup` or `CapacityBelowCommitted`."""
    status = reply_text(reply[0])
    if status == "unknown_group":
        raise UnknownGroup(group_id)
    if status != "ok":
        raise CapacityBelowCommitted(group_id, int(reply[1]), int(reply[2]))


def decode_sweep(reply: Reply) -> int:
    """`sweep.lua`: how many expired holds were purged."""
    return int(reply[0])


def decode_reconcile(reply: Reply) -> list[GroupDrift]:
    """`reconcile.lua`: the groups whose counts changed, each with its before and after."""
    drifts = []
    for n in range(int(reply[1])):
        g, old_cap, cap, old_paid, paid, old_held, held = (
            int(v) for v in reply[2 + n * 7 : 9 + n * 7]
        )
        drifts.append(GroupDrift(g, (old_cap, cap), (old_paid, paid), (old_held, held)))
    return drifts
