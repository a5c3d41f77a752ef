"""Everything a domain operation needs, built once per process (web app or worker)."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from redis.asyncio import Redis

from rush.catalogue.reading import CatalogueReadings
from rush.config import Settings
from rush.crypto import FieldCipher
from rush.db import create_pool
from rush.engine.hold_timing import BufferedHoldTimings
from rush.engine.holds import HoldEngine
from rush.purchase.carts import Carts, HoldTimes
from rush.purchase.payments import PaymentProvider, build_provider
from rush.redis_clients import EngineRedis, open_engine_redis, open_plain_redis
from rush.room.admission import AdmissionCheck
from rush.room.admission_tokens import AdmissionTokens
from rush.room.sales_on_show import SalesOnShow
from rush.room.snapshots import RoomSnapshots
from rush.room.tickets import QueueTickets
from rush.room.waiting_room import WaitingRoom

__all__ = ["Services", "build_services", "open_services"]


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    pool: asyncpg.Pool
    redis: EngineRedis
    """The engine's Redis (a cluster or not): holds, the waiting room, dashboard counters."""
    jobs_redis: Redis
    """The plain Redis of arq's queue, pub/sub and sessions (`rush.redis_clients`)."""
    engine: HoldEngine
    room: WaitingRoom
    admission: AdmissionCheck
    tickets: QueueTickets
    snapshots: RoomSnapshots
    hold_timings: BufferedHoldTimings
    catalogue: CatalogueReadings
    sales: SalesOnShow
    """The sales announced on every page, read at most once a second."""
    cipher: FieldCipher
    """Encrypts the SIN and the health insurance number at rest; hashes the latter for lookup."""
    carts: Carts
    provider: PaymentProvider

    async def close(self) -> None:
        await self.hold_timings.close()
        await self.redis.aclose()
        await self.jobs_redis.aclose()
        await self.pool.close()


async def open_services(
    settings: Settings, pool_size: int = 20, jobs_redis: Redis | None = None
) -> Services:
    """Open the pool and both Redis clients; `jobs_redis` is the caller's own plain client
    (the web app's, shared with its session store and arq) when it has one."""
    pool = await create_pool(
        settings.database_url, min_size=1, max_size=pool_size, pooler=settings.database_pooler
    )
    limit = settings.redis_max_connections
    redis = open_engine_redis(settings.redis_url, max_connections=limit)
    if jobs_redis is None:
        jobs_redis = open_plain_redis(settings.jobs_redis_address, max_connections=limit)
    return build_services(settings, pool, redis, jobs_redis)


def build_services(
    settings: Settings, pool: asyncpg.Pool, redis: EngineRedis, jobs_redis: Redis | None = None
) -> Services:
    """The services over a pool and Redis clients already open (tests bring their own); on a
    plain engine Redis, jobs live on it unless told otherwise."""
    if jobs_redis is None:
        if not isinstance(redis, Redis):
            raise ValueError("a cluster engine needs a plain jobs Redis beside it")
        jobs_redis = redis
    room = WaitingRoom(redis)
    engine = HoldEngine(redis)
    tokens = AdmissionTokens(settings.signing_key, settings.admission_token_seconds * 1000)
    hold_timings = BufferedHoldTimings(redis)
    hold_times = HoldTimes(settings.hold_ttl_ms, settings.hold_max_lifetime_ms)
    return Services(
        settings=settings,
        pool=pool,
        redis=redis,
        jobs_redis=jobs_redis,
        engine=engine,
        room=room,
        admission=AdmissionCheck(room, tokens),
        tickets=QueueTickets(settings.signing_key),
        snapshots=RoomSnapshots(room),
        hold_timings=hold_timings,
        catalogue=CatalogueReadings(pool, engine),
        sales=SalesOnShow(pool),
        cipher=FieldCipher(settings.encryption_key_list, lookup_key=settings.signing_key),
        carts=Carts(pool, engine, hold_times, hold_timings),
        provider=build_provider(settings, pool),
    )
