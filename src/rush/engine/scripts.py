"""Loads Rush's Lua scripts once and calls them by SHA.

`rush.redis_clients.Script` computes each SHA locally, calls EVALSHA and reloads the
script on NOSCRIPT where it is missing, so a Redis restart, a flush or a cluster failover
never breaks a call. Each family of
scripts shares a prelude (its keys and helpers), prepended here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from typing import Any, Self, TypeAlias

from rush.redis_clients import EngineRedis, Script, register_script

__all__ = ["EngineScripts", "QueueScripts", "Reply", "lua_source", "reply_text"]

Reply: TypeAlias = Sequence[Any]
"""A script's raw reply as redis-py hands it over: bytes and ints, nested for some scripts.
Only the decoder of that script reads it."""


def reply_text(value: Any) -> str:
    """A string of a script's reply: redis-py gives bytes unless the client decodes them."""
    return value.decode() if isinstance(value, bytes) else str(value)


def _prelude_for(name: str) -> str:
    return "_queue_prelude.lua" if name.startswith("queue_") else "_prelude.lua"


@cache
def lua_source(name: str) -> str:
    """The full text of one script: its family's prelude followed by the script itself."""
    lua = resources.files("rush.engine") / "lua"
    return (lua / _prelude_for(name)).read_text() + "\n" + (lua / f"{name}.lua").read_text()


class _Registered:
    @classmethod
    def register(cls, redis: EngineRedis) -> Self:
        names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
        return cls(**{name: register_script(redis, lua_source(name)) for name in names})


@dataclass(frozen=True, slots=True)
class EngineScripts(_Registered):
    hold: Script
    release: Script
    extend: Script
    confirm: Script
    places_left: Script
    set_capacity: Script
    sweep: Script
    reconcile: Script
    inspect: Script


@dataclass(frozen=True, slots=True)
class QueueScripts(_Registered):
    queue_configure: Script
    queue_status: Script
    queue_open: Script
    queue_set_status: Script
    queue_touch: Script
    queue_leave: Script
    queue_admit: Script
    queue_stats: Script
