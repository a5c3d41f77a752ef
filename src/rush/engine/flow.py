"""Holds taken and holds expired in the last minute, read from the engine's flow counters.

The hold scripts count in 10 s slots of the Redis clock (`lua/_prelude.lua`, `count_flow`);
here the last six slots and the overlapping part of the seventh make a sliding minute, so the
figure moves smoothly instead of dropping to zero at each minute boundary.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rush.engine.keys import program_keys
from rush.redis_clients import EngineRedis

__all__ = ["FLOW_SLOT_MS", "HoldFlow", "hold_flow", "last_minute"]

FLOW_SLOT_MS = 10_000
"""Must equal FLOW_SLOT_MS in lua/_prelude.lua."""
_SLOTS = 7


@dataclass(frozen=True, slots=True)
class HoldFlow:
    holds_per_min: int
    expiries_per_min: int


def last_minute(counts: Sequence[int], now_ms: int) -> int:
    """Count of the minute before `now_ms`, from the counts of the last seven slots, oldest first.

    The oldest slot only partly overlaps the minute: it counts for the part that does.
    """
    elapsed = (now_ms % FLOW_SLOT_MS) / FLOW_SLOT_MS
    oldest, *recent = counts
    return round(oldest * (1 - elapsed) + sum(recent))


def _slots(now_ms: int) -> list[int]:
    current = now_ms // FLOW_SLOT_MS
    return list(range(current - _SLOTS + 1, current + 1))


def _number(value: Any) -> int:
    return int(value) if value is not None else 0


async def hold_flow(redis: EngineRedis, program_ids: Iterable[int], now_ms: int) -> HoldFlow:
    """Holds and expiries per minute over every program of a sale, in one round trip."""
    slots = _slots(now_ms)
    fields = [f"h:{slot}" for slot in slots] + [f"x:{slot}" for slot in slots]
    programs = list(program_ids)
    if not programs:
        return HoldFlow(0, 0)
    async with redis.pipeline(transaction=False) as pipe:
        for program_id in programs:
            pipe.hmget(program_keys(program_id).flow, fields)
        replies: list[list[Any]] = await pipe.execute()
    totals = [sum(_number(reply[n]) for reply in replies) for n in range(len(fields))]
    return HoldFlow(
        holds_per_min=last_minute(totals[: len(slots)], now_ms),
        expiries_per_min=last_minute(totals[len(slots) :], now_ms),
    )
