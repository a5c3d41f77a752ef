"""A small sale ready for a rush: a catalogue that sells out, seeded families, an open queue.

Two day-camp programs of five groups each, fewer places than the families want, so popular
groups sell out while the fault is injected. Families come from `loadtests.traces` and
`loadtests.seed_families`, with a cheap argon2 hash so a 2-core machine spends its time on
the rush, not on logins (the rush benchmark does the same).
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import msgspec
from argon2 import PasswordHasher

from loadtests.seed_families import load_catalogue, seed_trace_families
from loadtests.traces import Trace, generate_trace
from rush.config import Settings
from rush.crypto import FieldCipher
from rush.engine.holds import HoldEngine
from rush.redis_clients import EngineRedis
from rush.room.sales import open_sale, set_pace
from rush.room.self_pacer import configure_self_pacing, self_pacing_config
from rush.room.waiting_room import WaitingRoom
from tests.support.catalogue_factory import CatalogueFactory

__all__ = ["RushSale", "prepare_sale"]

_PROGRAMS = 2
_GROUPS_PER_PROGRAM = 5
_PRICE_CENTS = 12_500
# Everyone who is due is admitted within a few seconds: the faults hit shoppers, not the line.
# A fixed pace, self-pacing off: it would bring the rate down to its ceiling (600 a minute), and
# slow holds under a fault would lower it further.
_ADMISSIONS_PER_MINUTE = 6_000


@dataclass(frozen=True, slots=True)
class RushSale:
    sale_id: int
    trace: Trace
    places: int


async def prepare_sale(
    pool: asyncpg.Pool,
    redis: EngineRedis,
    settings: Settings,
    *,
    families: int,
    places_per_group: int,
    seed: int,
) -> RushSale:
    """Catalogue, families and an open sale whose queue admits everyone quickly."""
    factory = CatalogueFactory(pool, HoldEngine(redis))
    sale_id = await factory.sale(status="scheduled")
    for _ in range(_PROGRAMS):
        await factory.program(
            [places_per_group] * _GROUPS_PER_PROGRAM, _PRICE_CENTS, sale_id=sale_id, ages=(5, 12)
        )
    trace = generate_trace(
        await load_catalogue(pool, sale_id),
        families,
        children_per_family=1.4,
        popular_share=0.6,
        abandon_share=0.1,
        late_share=0.0,
        seed=seed,
        remove_share=0.0,
        two_instalment_share=0.0,
    )
    await seed_trace_families(pool, trace, FieldCipher(settings.encryption_key_list))
    await _lighten_hashes(pool, trace)
    room = WaitingRoom(redis)
    await set_pace(
        pool, room, sale_id, rate_per_min=_ADMISSIONS_PER_MINUTE, max_shoppers=families + 10
    )
    fixed = msgspec.structs.replace(await self_pacing_config(pool, sale_id), enabled=False)
    await configure_self_pacing(pool, sale_id, fixed)
    await open_sale(pool, room, sale_id)
    places = _PROGRAMS * _GROUPS_PER_PROGRAM * places_per_group
    return RushSale(sale_id, trace, places)


async def _lighten_hashes(pool: asyncpg.Pool, trace: Trace) -> None:
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    for password in {plan.password for plan in trace.families}:
        emails = [plan.email for plan in trace.families if plan.password == password]
        await pool.execute(
            "UPDATE account SET password_hash = $2 WHERE email = ANY($1::text[])",
            emails,
            hasher.hash(password),
        )
