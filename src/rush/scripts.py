"""Loads the hold engine's Lua scripts once and calls them by SHA.

redis-py's `register_script` computes each SHA locally, calls EVALSHA and reloads the
script on NOSCRIPT, so a Redis restart or flush never breaks a call.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

__all__ = ["EngineScripts", "lua_source"]

_PRELUDE = "_prelude.lua"


@cache
def lua_source(name: str) -> str:
    """The full text of one script: the shared prelude followed by the script itself."""
    lua = resources.files("rush") / "lua"
    return (lua / _PRELUDE).read_text() + "\n" + (lua / f"{name}.lua").read_text()


@dataclass(frozen=True, slots=True)
class EngineScripts:
    hold: AsyncScript
    release: AsyncScript
    extend: AsyncScript
    confirm: AsyncScript
    places_left: AsyncScript
    set_capacity: AsyncScript
    sweep: AsyncScript
    reconcile: AsyncScript

    @classmethod
    def register(cls, redis: Redis) -> EngineScripts:
        return cls(**{name: redis.register_script(lua_source(name)) for name in cls.__slots__})
