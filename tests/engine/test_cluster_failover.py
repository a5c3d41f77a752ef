"""A primary of the cluster fails over to its replica in the middle of a rush.

Three programs spread over a 3-primary cluster with one replica each; families hold and pay
while the shard of the first program is switched to its replica (`CLUSTER FAILOVER`). The
promoted replica has never seen Rush's scripts (the script cache is not replicated), so its
first EVALSHA answers NOSCRIPT and redis-py loads the script again. Afterwards every payment
the engine acknowledged is still counted, no group holds more than its capacity, and holds
keep working on every shard.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisClusterException, ResponseError, TimeoutError

from rush.dev.valkey_cluster import ValkeyCluster, running_valkey_cluster
from rush.engine.holds import ConfirmOutcome, HoldEngine
from rush.engine.keys import program_keys
from rush.errors import PlacesShort
from rush.redis_clients import EngineRedis, open_engine_redis
from tests.support.catalogue_factory import CatalogueFactory, TestProgram, truncate_all

pytestmark = pytest.mark.slow

_TRANSIENT = (RedisConnectionError, TimeoutError, RedisClusterException, ResponseError)
"""What a client may see during the switch (a dropped connection, CLUSTERDOWN, TRYAGAIN):
the family tries again, as the web edge's 503 + Retry-After tells it to."""
_FAMILIES = 240
_SWITCHED = asyncio.Event()
_CAPACITY = 20


@pytest.fixture(scope="module")
def replicated_cluster() -> Iterator[ValkeyCluster]:
    with running_valkey_cluster(with_replicas=True) as cluster:
        yield cluster


@pytest.fixture
async def cluster_engine(
    replicated_cluster: ValkeyCluster, pool: asyncpg.Pool
) -> AsyncIterator[HoldEngine]:
    await truncate_all(pool)
    replicated_cluster.flush()
    redis: EngineRedis = open_engine_redis(replicated_cluster.url, max_connections=64)
    yield HoldEngine(redis)
    await redis.aclose()


async def _retrying(attempt: object) -> object:
    last: Exception | None = None
    for _ in range(100):
        try:
            return await attempt()  # type: ignore[operator]
        except _TRANSIENT as exc:
            last = exc
            await asyncio.sleep(0.05)
    raise AssertionError(f"the cluster never answered again: {last!r}")


async def _family(
    engine: HoldEngine, program: TestProgram, n: int, paid: Counter[int], after: set[int]
) -> None:
    await asyncio.sleep(n * 0.005)  # arrivals spread over about a second
    group = program.group_ids[n % len(program.group_ids)]
    hold_id = f"family-{n}"
    try:
        await _retrying(lambda: engine.hold(program.id, hold_id, {group: 1}, 60_000, 120_000))
    except PlacesShort:
        return
    outcome = await _retrying(lambda: engine.confirm(program.id, hold_id))
    if outcome in (ConfirmOutcome.CONFIRMED, ConfirmOutcome.ALREADY_CONFIRMED):
        paid[group] += 1
        if _SWITCHED.is_set():
            after.add(n)


async def _until_some_paid(paid: Counter[int], at_least: int = 3) -> None:
    """Waits for the first payments rather than a fixed time: a busy machine starts late."""
    for _ in range(1_000):
        if sum(paid.values()) >= at_least:
            return
        await asyncio.sleep(0.01)


async def test_a_primary_failed_over_mid_rush_loses_no_paid_place_and_oversells_none(
    replicated_cluster: ValkeyCluster, cluster_engine: HoldEngine, pool: asyncpg.Pool
) -> None:
    factory = CatalogueFactory(pool, cluster_engine)
    programs = [await factory.program([_CAPACITY, _CAPACITY]) for _ in range(3)]
    shards = {replicated_cluster.primary_of(program_keys(p.id).capacity).port for p in programs}
    first_key = program_keys(programs[0].id).capacity
    first_group = programs[0].group_ids[0]
    primary = replicated_cluster.primary_of(first_key)
    replica = replicated_cluster.replica_of(primary)
    hold_sha = cluster_engine._scripts.hold.sha
    with replica.client() as client:
        assert client.script_exists(hold_sha) == [False]  # the replica must load it itself

    paid: Counter[int] = Counter()
    paid_after_switch: set[int] = set()
    _SWITCHED.clear()
    families = [
        asyncio.create_task(_family(cluster_engine, programs[n % 3], n, paid, paid_after_switch))
        for n in range(_FAMILIES)
    ]
    await _until_some_paid(paid)  # some families already hold and pay when the switch comes
    paid_before = sum(paid.values())
    await asyncio.to_thread(replicated_cluster.fail_over, replica)
    _SWITCHED.set()
    await asyncio.gather(*families)
    assert paid_before > 0, "the switch came before any payment"
    assert paid_after_switch, "the switch came after the last payment"

    assert replicated_cluster.primary_of(first_key).port == replica.port
    with replica.client() as client:
        assert client.script_exists(hold_sha) == [True]  # loaded again after NOSCRIPT
    for program in programs:
        reading = await cluster_engine.places(program.id, program.group_ids)
        for group, places in reading.groups.items():
            assert places.paid == paid[group], "a payment the engine acknowledged was lost"
            assert places.paid + places.held <= places.capacity == _CAPACITY
    # Every group sold out: the families outnumber the places, none was lost to an error.
    assert sum(paid.values()) == 3 * 2 * _CAPACITY
    with pytest.raises(PlacesShort):  # the promoted primary runs the script, and refuses
        await cluster_engine.hold(programs[0].id, "late", {first_group: 1}, 60_000, 120_000)
    print(f"cluster failover: {len(shards)} shards, {sum(paid.values())} paid, none lost")
