"""Property-based test of staged carts: the copy in Redis never holds what Postgres would not.

Families draft carts before opening; once the sale is open and they are admitted, Hypothesis
interleaves holds at admission (from the staged copy when there is one, else from Postgres),
live adds and removals, staff price changes and refusals, lost copies (a flush of the staged
hash) and the worker's write-behind. After every step:

- a staged copy is exactly the family's open cart in Postgres (cart, lines, prices);
- a refused family has no copy, and its hold at admission is refused;
- every live hold carries exactly its cart's places, and no group is held or paid past capacity;
- once the write-behind ran, every cart with a live hold is live in Postgres.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections import Counter
from collections.abc import Coroutine
from typing import Any, TypeVar

import msgspec
from hypothesis import HealthCheck, event
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from rush.catalogue.fields import GroupFields
from rush.catalogue.group_admin import get_group, update_group
from rush.config import Settings
from rush.db import create_pool
from rush.errors import FamilyNotApproved, PlacesShort, RushError
from rush.families.accounts import create_staff_account
from rush.families.approvals import decide_family
from rush.purchase.carts import hold_id_for
from rush.purchase.shopping import add_to_cart, hold_at_admission
from rush.purchase.staged_carts import copy_live_carts_to_postgres, decode_staged_cart
from rush.redis_clients import open_engine_redis
from rush.room.sales import join_queue, open_sale, prepare_room
from rush.services import Services, build_services
from tests.support.catalogue_factory import CatalogueFactory, TestFamily, truncate_all

T = TypeVar("T")
FAMILIES = 3
BORN = dt.date(2018, 5, 1)


class StagedCartMachine(RuleBasedStateMachine):
    app_settings: Settings

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        # asyncpg looks the loop up itself: ours is current while the machine runs, and
        # whatever was current before (maybe none, after an async test) comes back after.
        try:
            self.outer_loop: asyncio.AbstractEventLoop | None = (
                asyncio.get_event_loop_policy().get_event_loop()
            )
        except RuntimeError:
            self.outer_loop = None
        asyncio.set_event_loop(self.loop)
        pool = self.run(create_pool(self.app_settings.database_url, min_size=1, max_size=4))
        redis = open_engine_redis(self.app_settings.redis_url, max_connections=16)
        self.services: Services = build_services(self.app_settings, pool, redis)
        self.factory = CatalogueFactory(pool, self.services.engine)
        self.families: list[TestFamily] = []
        self.tokens: dict[int, str] = {}
        self.refused: set[int] = set()
        self.group_ids: list[int] = []
        self.programs: dict[int, list[int]] = {}
        self.drained = True

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coro)

    def teardown(self) -> None:
        self.run(self.services.close())
        self.loop.close()
        asyncio.set_event_loop(self.outer_loop)

    @initialize(
        drafts=st.lists(
            st.lists(st.integers(0, 3), min_size=1, max_size=3),
            min_size=FAMILIES,
            max_size=FAMILIES,
        )
    )
    def open_a_sale_with_drafted_carts(self, drafts: list[list[int]]) -> None:
        self.run(self._open(drafts))

    async def _open(self, drafts: list[list[int]]) -> None:
        pool, redis = self.services.pool, self.services.redis
        await truncate_all(pool)
        await redis.flushall()
        self.staff_id = (
            await create_staff_account(
                pool, email="admin@ville.qc.ca", password="staff password 1", role="admin"
            )
        ).id
        self.sale_id = await self.factory.sale(status="scheduled")
        await pool.execute(
            "UPDATE sale SET admission_rate_per_min = 60000 WHERE id = $1", self.sale_id
        )
        for _ in range(2):
            program = await self.factory.program([2, 3], 1000, sale_id=self.sale_id)
            self.group_ids += program.group_ids
            self.programs[program.id] = program.group_ids
        self.families = [
            await self.factory.family([BORN + dt.timedelta(days=2 * n + k) for k in (0, 1)])
            for n in range(FAMILIES)
        ]
        await prepare_room(pool, self.services.room, self.sale_id)
        for family in self.families:
            await join_queue(pool, self.services.room, self.sale_id, family.id, family.account_id)
        for n, groups in enumerate(drafts):
            for group in groups:
                await self._add(n, group)
        await open_sale(pool, self.services.room, self.sale_id)
        for _ in range(100):  # 1,000 a second: everyone is in within a few milliseconds
            await asyncio.sleep(0.005)
            await self.services.room.admit_due(self.sale_id)
            for family in self.families:
                standing = await self.services.room.standing(self.sale_id, family.id, join=False)
                token = self.services.admission.token_for(standing, family.id, self.sale_id)
                if token is not None:
                    self.tokens[family.id] = token
            if len(self.tokens) == FAMILIES:
                return
        raise AssertionError("the room did not admit every family")

    async def _add(self, n: int, group: int) -> None:
        family = self.families[n]
        person = family.child_ids[group % 2]
        with contextlib.suppress(RushError):  # full, in the cart already, refused: unchanged
            await add_to_cart(
                self.services,
                family.id,
                self.sale_id,
                [person],
                [self.group_ids[group]],
                {},
                self.tokens.get(family.id),
            )

    @rule(n=st.integers(0, FAMILIES - 1))
    def hold_at_admission(self, n: int) -> None:
        family = self.families[n]
        staged = self.run(self.services.carts.staged.staged(family.id, self.sale_id))
        event("hold from a staged copy" if staged else "hold from Postgres")
        coro = hold_at_admission(self.services, family.id, self.sale_id, self.tokens[family.id])
        try:
            self.run(coro)
        except FamilyNotApproved:
            assert family.id in self.refused
        except PlacesShort:
            pass
        else:
            assert family.id not in self.refused, "a refused family held from a staged copy"
            self.drained = False

    @rule(n=st.integers(0, FAMILIES - 1), group=st.integers(0, 3))
    def add_while_open(self, n: int, group: int) -> None:
        self.run(self._add(n, group))

    @rule(n=st.integers(0, FAMILIES - 1))
    def remove_the_first_line(self, n: int) -> None:
        family = self.families[n]
        cart = self.run(self.services.carts.view(family.id, self.sale_id))
        if cart.lines:
            self.run(self.services.carts.remove(family.id, self.sale_id, [cart.lines[0].item_id]))

    @rule(group=st.integers(0, 3), price=st.sampled_from([900, 1000, 1250]))
    def staff_change_a_price(self, group: int, price: int) -> None:
        current = self.run(get_group(self.services.pool, self.group_ids[group]))
        fields = GroupFields(**{f: getattr(current, f) for f in GroupFields.__struct_fields__})
        changed = msgspec.structs.replace(fields, price_cents=price)
        self.run(
            update_group(
                self.services.pool, self.services.engine, self.staff_id, current.id, changed
            )
        )

    @precondition(lambda self: len(self.refused) < FAMILIES - 1)
    @rule(n=st.integers(0, FAMILIES - 1))
    def staff_refuse_a_family(self, n: int) -> None:
        family_id = self.families[n].id
        staged = self.services.carts.staged
        self.run(decide_family(self.services.pool, staged, self.staff_id, family_id, False, "x"))
        self.refused.add(family_id)

    @rule()
    def staged_copies_lost(self) -> None:
        self.run(self.services.carts.staged.unstage_sale(self.sale_id))

    @rule()
    def worker_writes_behind(self) -> None:
        staged = self.services.carts.staged
        self.run(copy_live_carts_to_postgres(self.services.pool, staged, self.sale_id))
        self.drained = True

    @invariant()
    def staged_copies_match_postgres_and_holds_match_carts(self) -> None:
        if not self.families:
            return
        self.run(self._check())

    async def _check(self) -> None:
        pool, engine = self.services.pool, self.services.engine
        for family in self.families:
            blob = await self.services.carts.staged.staged(family.id, self.sale_id)
            cart = await pool.fetchrow(
                "SELECT id, live_since FROM cart WHERE family_id = $1 AND sale_id = $2"
                " AND status = 'open'",
                family.id,
                self.sale_id,
            )
            lines = await pool.fetch(
                "SELECT id, program_id, person_id, group_id, price_cents FROM cart_item"
                " WHERE cart_id = $1 ORDER BY id",
                cart["id"] if cart else None,
            )
            if family.id in self.refused:
                assert blob is None, "a refused family kept a staged copy"
            if blob is not None:
                staged = decode_staged_cart(blob)
                assert cart is not None
                assert staged.cart_id == cart["id"]
                assert [
                    (x.item_id, x.program_id, x.person_id, x.group_id, x.price_cents)
                    for x in staged.lines
                ] == [tuple(r) for r in lines]
            if cart is None:
                continue
            wanted: dict[int, Counter[int]] = {}
            for line in lines:
                wanted.setdefault(line["program_id"], Counter())[line["group_id"]] += 1
            for program_id in {r["program_id"] for r in lines}:
                hold = await engine.inspect(program_id, hold_id_for(cart["id"]))
                if hold.status.value == "live":
                    assert hold.items == dict(wanted[program_id]), "a hold differs from its cart"
                    if self.drained:
                        assert cart["live_since"] is not None, "a held cart unknown to Postgres"
        for group in (await engine.places_many(self.programs)).values():
            assert group.held + group.paid <= group.capacity, "a group held past capacity"


def test_staged_carts_never_hold_what_postgres_would_not(settings: Settings) -> None:
    StagedCartMachine.app_settings = settings
    run_state_machine_as_test(
        StagedCartMachine,
        settings=hypothesis_settings(
            max_examples=50,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
