"""The hold engine's whole stored state, read without purging anything: what the audit
compares with Postgres.

One read-only script per program (`lua/audit_program.lua`), pipelined, and the one decoder
of its reply; unlike `HoldEngine`, whose scripts purge what expired, this reading keeps
expired holds so the audit sees the engine exactly as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import msgspec

from rush.engine.keys import program_keys
from rush.engine.scripts import Reply, lua_source, reply_text
from rush.redis_clients import EngineRedis, gather_per_key, register_script

__all__ = ["EngineState", "StoredGroup", "StoredHold", "decode_audit_program", "read_engine_state"]

_GROUP_FIELDS = 5
_HOLD_FIELDS = 5


@dataclass(frozen=True, slots=True)
class StoredGroup:
    """A group's counts in Redis; `capacity` is -1 when Redis has none for it."""

    program_id: int
    capacity: int
    paid: int
    held: int
    held_in_holds: int
    """The group's places summed over the holds still stored, to check `held` against."""


@dataclass(frozen=True, slots=True)
class StoredHold:
    """A stored hold, live or expired but not yet purged; `indexed_ms` is -1 when the
    expiry index lacks it."""

    program_id: int
    hold_id: str
    expires_at_ms: int
    latest_ms: int
    indexed_ms: int
    items: dict[int, int]
    redis_now_ms: int

    @property
    def live(self) -> bool:
        return self.redis_now_ms < self.expires_at_ms


@dataclass(frozen=True, slots=True)
class EngineState:
    groups: dict[int, StoredGroup] = field(default_factory=dict)
    holds: list[StoredHold] = field(default_factory=list)


async def read_engine_state(redis: EngineRedis, program_ids: Sequence[int]) -> EngineState:
    """Every program's stored groups and holds: one script per program, all at once (each
    reads its own shard's clock for its own holds)."""
    script = register_script(redis, lua_source("audit_program"))
    replies = await gather_per_key(
        program_ids, lambda program_id: script(keys=program_keys(program_id).all, args=[])
    )
    state = EngineState()
    for program_id, reply in zip(program_ids, replies, strict=True):
        program = decode_audit_program(reply, program_id)
        state.groups.update(program.groups)
        state.holds.extend(program.holds)
    return state


def decode_audit_program(reply: Reply, program_id: int) -> EngineState:
    """`audit_program.lua`: {now_ms, flat groups, flat holds}, five fields per group and hold."""
    now_ms, flat_groups, flat_holds = int(reply[0]), reply[1], reply[2]
    groups = {}
    for n in range(0, len(flat_groups), _GROUP_FIELDS):
        group, cap, paid, held, in_holds = (int(v) for v in flat_groups[n : n + _GROUP_FIELDS])
        groups[group] = StoredGroup(program_id, cap, paid, held, in_holds)
    holds = [
        _stored_hold(program_id, now_ms, flat_holds[n : n + _HOLD_FIELDS])
        for n in range(0, len(flat_holds), _HOLD_FIELDS)
    ]
    return EngineState(groups, holds)


def _stored_hold(program_id: int, now_ms: int, fields: Reply) -> StoredHold:
    hold_id, expiry, latest, indexed, items = fields
    return StoredHold(
        program_id=program_id,
        hold_id=reply_text(hold_id),
        expires_at_ms=int(expiry),
        latest_ms=int(latest),
        indexed_ms=int(indexed),
        items=msgspec.json.decode(items, type=dict[int, int]),
        redis_now_ms=now_ms,
    )
