"""Property-based test of the hold engine against a plain model.

Hypothesis interleaves hold, release, extend, pay, waiting (so holds expire), capacity
changes, Redis flush + reconcile and live reconcile, and after every step checks that
Redis and Postgres agree with the model and that paid + held <= capacity everywhere.

Time is the real Redis clock: every engine reply carries the instant it used, and where
it does not, the model brackets the call between two readings of the Redis clock and
accepts exactly the answers possible within that bracket.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from redis.asyncio.cluster import RedisCluster

from rush.dev.servers import ServerUrls
from rush.dev.valkey_cluster import ValkeyCluster
from rush.engine.capacity import change_capacity
from rush.engine.holds import ConfirmOutcome, HoldEngine
from rush.engine.keys import program_keys
from rush.engine.reconcile import reconcile_all, reconcile_program
from rush.errors import CapacityBelowCommitted, HoldAlreadyPaid, HoldExpired, PlacesShort
from rush.redis_clients import open_engine_redis
from tests.support.catalogue_factory import CatalogueFactory, TestProgram, truncate_all

T = TypeVar("T")
LIFETIME_MS = 30_000
HOLD_IDS = [f"cart-{n}" for n in range(6)]


def _current_loop_or_none() -> asyncio.AbstractEventLoop | None:
    """The thread's current loop, if any: an earlier `asyncio.run` leaves none set."""
    try:
        return asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        return None


@dataclass
class ModelHold:
    items: dict[int, int]
    expiry: int
    latest: int


class HoldEngineMachine(RuleBasedStateMachine):
    urls: ServerUrls
    redis_url: str
    """The session's Valkey, or a cluster's `redis+cluster://` URL."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        # asyncpg looks the loop up itself: make ours current while the machine runs.
        self.outer_loop = _current_loop_or_none()
        asyncio.set_event_loop(self.loop)
        self.pool: asyncpg.Pool = self.run(
            asyncpg.create_pool(self.urls.database_url, min_size=1, max_size=4)
        )
        self.redis = open_engine_redis(self.redis_url, max_connections=16)
        self.engine = HoldEngine(self.redis)
        self.factory = CatalogueFactory(self.pool, self.engine)
        self.capacity: dict[int, int] = {}
        self.paid: dict[int, int] = {}
        self.holds: dict[str, ModelHold] = {}
        self.confirmed: set[str] = set()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coro)

    def teardown(self) -> None:
        self.run(self.redis.aclose())
        self.run(self.pool.close())
        self.loop.close()
        asyncio.set_event_loop(self.outer_loop)

    async def redis_now(self) -> int:
        """The clock of the shard that holds the program's keys (the only one there is on a
        plain Redis): the clock the engine's scripts read."""
        if isinstance(self.redis, RedisCluster):
            node = self.redis.get_node_from_key(program_keys(self.program.id).capacity)
            seconds, micros = await self.redis.time(target_nodes=node)
        else:
            seconds, micros = await self.redis.time()
        return int(seconds) * 1000 + int(micros) // 1000

    def held_at(self, group: int, now: int) -> int:
        return sum(h.items.get(group, 0) for h in self.holds.values() if h.expiry > now)

    def forget_expired(self, now: int) -> None:
        self.holds = {k: h for k, h in self.holds.items() if h.expiry > now}

    @property
    def groups(self) -> list[int]:
        return list(self.capacity)

    @initialize(capacities=st.lists(st.integers(0, 6), min_size=1, max_size=4))
    def open_program(self, capacities: list[int]) -> None:
        self.run(truncate_all(self.pool))
        self.run(self.redis.flushdb())
        self.program: TestProgram = self.run(self.factory.program(capacities))
        self.capacity = dict(zip(self.program.group_ids, capacities, strict=True))
        self.paid = dict.fromkeys(self.program.group_ids, 0)

    @rule(data=st.data(), hold_id=st.sampled_from(HOLD_IDS), ttl=st.integers(10, 300))
    def hold(self, data: st.DataObject, hold_id: str, ttl: int) -> None:
        groups = data.draw(st.lists(st.sampled_from(self.groups), min_size=1, unique=True))
        items = {g: data.draw(st.integers(1, 3)) for g in groups}
        try:
            granted = self.run(self.engine.hold(self.program.id, hold_id, items, ttl, LIFETIME_MS))
        except HoldAlreadyPaid:
            assert hold_id in self.confirmed
            return
        except PlacesShort as short:
            assert hold_id not in self.confirmed
            self.forget_expired(short.as_of_ms)
            previous = self.holds.get(hold_id)
            first_short = next(
                (g, left)
                for g in items
                if items[g] > (left := self.free(g, short.as_of_ms, previous))
            )
            assert (short.group_id, short.places_left) == (first_short[0], max(first_short[1], 0))  # noqa: PT017
            return
        assert hold_id not in self.confirmed
        now = granted.now_ms
        self.forget_expired(now)
        previous = self.holds.get(hold_id)
        assert all(items[g] <= self.free(g, now, previous) for g in items)
        latest = previous.latest if previous else now + LIFETIME_MS
        self.holds[hold_id] = ModelHold(items, min(now + ttl, latest), latest)
        assert granted.expires_at_ms == self.holds[hold_id].expiry

    def free(self, group: int, now: int, previous: ModelHold | None) -> int:
        mine = previous.items.get(group, 0) if previous else 0
        return self.capacity[group] - self.paid[group] - self.held_at(group, now) + mine

    @rule(hold_id=st.sampled_from(HOLD_IDS))
    def release(self, hold_id: str) -> None:
        before = self.run(self.redis_now())
        released = self.run(self.engine.release(self.program.id, hold_id))
        after = self.run(self.redis_now())
        hold = self.holds.pop(hold_id, None)
        full = sum(hold.items.values()) if hold else 0
        if hold is None or hold.expiry <= before:
            assert released == 0
        elif hold.expiry > after:
            assert released == full
        else:
            assert released in (0, full)

    @rule(hold_id=st.sampled_from(HOLD_IDS), ttl=st.integers(10, 300))
    def extend(self, hold_id: str, ttl: int) -> None:
        before = self.run(self.redis_now())
        hold = self.holds.get(hold_id)
        try:
            granted = self.run(self.engine.extend(self.program.id, hold_id, ttl))
        except HoldExpired:
            after = self.run(self.redis_now())
            assert hold is None or hold.expiry <= after
            self.holds.pop(hold_id, None)
            return
        assert hold is not None
        assert hold.expiry > before
        hold.expiry = max(hold.expiry, min(granted.now_ms + ttl, hold.latest))
        assert granted.expires_at_ms == hold.expiry

    @rule(hold_id=st.sampled_from(HOLD_IDS))
    def pay(self, hold_id: str) -> None:
        """Finalize as the worker does: pin the hold, commit in Postgres, confirm in Redis.

        Any hold id may be paid, live or not: which holds are still live depends on the Redis
        clock, and a draw that depended on it would make Hypothesis's replays diverge."""
        if hold_id in self.confirmed:
            outcome = self.run(self.engine.confirm(self.program.id, hold_id))
            assert outcome is ConfirmOutcome.ALREADY_CONFIRMED
            return
        try:
            self.run(self.engine.extend(self.program.id, hold_id, LIFETIME_MS))
        except HoldExpired:
            self.holds.pop(hold_id, None)
            return
        hold = self.holds.pop(hold_id)
        self.run(self.factory.record_paid_hold(self.program, hold_id, hold.items))
        assert self.run(self.engine.confirm(self.program.id, hold_id)) is ConfirmOutcome.CONFIRMED
        self.confirmed.add(hold_id)
        for group, qty in hold.items.items():
            self.paid[group] += qty

    @rule(milliseconds=st.integers(0, 120))
    def wait(self, milliseconds: int) -> None:
        self.run(asyncio.sleep(milliseconds / 1000))

    @rule(data=st.data(), capacity=st.integers(0, 8))
    def change_capacity(self, data: st.DataObject, capacity: int) -> None:
        group = data.draw(st.sampled_from(self.groups))
        before = self.run(self.redis_now())
        try:
            self.run(change_capacity(self.pool, self.engine, group, capacity))
            changed = True
        except CapacityBelowCommitted:
            changed = False
        after = self.run(self.redis_now())
        if capacity >= self.paid[group] + self.held_at(group, before):
            assert changed
        if capacity < self.paid[group] + self.held_at(group, after):
            assert not changed
        if changed:
            self.capacity[group] = capacity

    @rule()
    def flush_redis_and_reconcile(self) -> None:
        self.run(self.redis.flushdb())
        self.run(reconcile_all(self.pool, self.engine))
        self.holds.clear()

    @rule()
    def reconcile_live(self) -> None:
        drift = self.run(reconcile_program(self.pool, self.engine, self.program.id))
        assert drift.groups == []

    @invariant()
    def redis_and_postgres_agree_with_the_model(self) -> None:
        if not self.capacity:
            return
        reading = self.run(self.engine.places(self.program.id, self.groups))
        self.forget_expired(reading.now_ms)
        for group, places in reading.groups.items():
            assert places.paid + places.held <= places.capacity
            expected = (self.capacity[group], self.paid[group], self.held_at(group, reading.now_ms))
            assert (places.capacity, places.paid, places.held) == expected
        rows = self.run(
            self.pool.fetch(
                "SELECT id, capacity, paid_count FROM activity_group WHERE program_id = $1",
                self.program.id,
            )
        )
        assert {r["id"]: (r["capacity"], r["paid_count"]) for r in rows} == {
            g: (self.capacity[g], self.paid[g]) for g in self.groups
        }


@pytest.mark.slow
def test_hold_engine_keeps_its_invariants(migrated: ServerUrls) -> None:
    _run_machine(migrated, migrated.redis_url, examples=40)


@pytest.mark.slow
def test_hold_engine_keeps_its_invariants_on_a_cluster(
    migrated: ServerUrls, valkey_cluster: ValkeyCluster
) -> None:
    """The same machine on a 3-primary cluster: each program's scripts on its own shard."""
    _run_machine(migrated, valkey_cluster.url, examples=8)


def _run_machine(urls: ServerUrls, redis_url: str, examples: int) -> None:
    HoldEngineMachine.urls = urls
    HoldEngineMachine.redis_url = redis_url
    run_state_machine_as_test(
        HoldEngineMachine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        ),
    )
