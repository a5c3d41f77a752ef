"""The settings a command runs with, and the event loop it runs them on."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click
import msgspec

from rush.config import Settings, load_settings
from rush.production import UnsafeForProduction, refuse_unsafe_production

__all__ = ["external_settings", "local_settings", "run", "with_urls"]

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on uvloop where available, the loop uvicorn serves Rush with."""
    if sys.platform != "win32":
        import uvloop

        return uvloop.run(coro)
    return asyncio.run(coro)


def local_settings(data_dir: Path | None = None, port: int | None = None) -> Settings:
    """The environment's settings; empty URLs mean embedded servers under the data dir."""
    settings = load_settings()
    changes: dict[str, object] = {}
    if data_dir is not None:
        changes["data_dir"] = data_dir
    if port is not None:
        changes["port"] = port
    return msgspec.structs.replace(settings, **changes)


def external_settings() -> Settings:
    """The environment's settings for a process among many: it needs servers of its own, and
    in production (the default) settings safe to put in front of families."""
    settings = load_settings()
    if not (settings.database_url and settings.redis_url):
        raise click.UsageError("set DATABASE_URL and REDIS_URL (or run `rush demo`)")
    try:
        refuse_unsafe_production(settings)
    except UnsafeForProduction as exc:
        raise click.ClickException(str(exc)) from None
    return settings


def with_urls(settings: Settings, database_url: str, redis_url: str) -> Settings:
    return msgspec.structs.replace(settings, database_url=database_url, redis_url=redis_url)
