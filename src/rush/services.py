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
    redis: Redis
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
        await self.pool.close()


async def open_services(settings: Settings, pool_size: int = 20) -> Services:
    pool = await create_pool(
        settings.database_url, min_size=1, max_size=pool_size, pooler=settings.database_pooler
    )
    redis = Redis.from_url(settings.redis_url, max_connections=1024)
    return build_services(settings, pool, redis)


def build_services(settings: Settings, pool: asyncpg.Pool, redis: Redis) -> Services:
    """The services over a pool and a Redis client already open (tests bring their own)."""
    room = WaitingRoom(redis)
    engine = HoldEngine(redis)
    tokens = AdmissionTokens(settings.signing_key, settings.admission_token_seconds * 1000)
    hold_timings = BufferedHoldTimings(redis)
    hold_times = HoldTimes(settings.hold_ttl_ms, settings.hold_max_lifetime_ms)
    return Services(
        settings=settings,
        pool=pool,
        redis=redis,
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
