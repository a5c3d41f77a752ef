"""arq WorkerSettings. Start workers with `uv run rush worker`, as many as you like.

The Redis address is passed by the `rush worker` command, so importing this module reads
nothing from the environment.
"""

from __future__ import annotations

from typing import Any, ClassVar

from arq import cron
from redis.asyncio import Redis

from rush.config import load_settings
from rush.db import create_pool
from rush.holds import HoldEngine
from workers.jobs import reconcile_redis, sweep_expired_holds

__all__ = ["WorkerSettings"]


async def startup(ctx: dict[str, Any]) -> None:
    settings = ctx.get("settings") or load_settings()
    ctx["settings"] = settings
    ctx["pool"] = await create_pool(settings.database_url, min_size=1, max_size=5)
    ctx["rush_redis"] = Redis.from_url(settings.redis_url)
    ctx["engine"] = HoldEngine(ctx["rush_redis"])


async def shutdown(ctx: dict[str, Any]) -> None:
    await ctx["rush_redis"].aclose()
    await ctx["pool"].close()


class WorkerSettings:
    functions: ClassVar[list[Any]] = [sweep_expired_holds, reconcile_redis]
    cron_jobs: ClassVar[list[Any]] = [
        # unique: with many workers, each tick runs once, not once per worker.
        cron(sweep_expired_holds, second=set(range(0, 60, 5)), run_at_startup=True, unique=True),
        cron(reconcile_redis, second={30}, unique=True),
    ]
    on_startup = startup
    on_shutdown = shutdown
