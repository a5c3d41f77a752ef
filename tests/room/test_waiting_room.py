"""The waiting room against a real Redis: fairness, pace, caps and idle slots."""

from __future__ import annotations

import asyncio
import hashlib

import pytest
from redis.asyncio import Redis

from rush.engine.keys import sale_keys
from rush.errors import NotAdmitted, QueueClosed, RoomTransitionRefused, UnknownSale
from rush.room.waiting_room import QueueState, WaitingRoom

SALE = 7


@pytest.fixture
def room(redis: Redis, clean: None) -> WaitingRoom:
    return WaitingRoom(redis)


async def _drain_admissions(
    room: WaitingRoom, sale_id: int, expected: int
) -> list[tuple[int, int, int]]:
    """Tick admission until `expected` families are in; returns (ticket, family, ms) in order."""
    records: list[tuple[int, int, int]] = []
    last = "0-0"
    while len(records) < expected:
        await room.admit_due(sale_id)
        batch = await room.admissions_after(sale_id, last)
        if batch:
            last = batch[-1].entry_id
            records += [(r.ticket, r.family_id, r.admitted_ms) for r in batch]
        await asyncio.sleep(0.02)
    return records


async def test_a_second_device_of_the_family_gets_the_same_place(room: WaitingRoom) -> None:
    await room.configure(SALE, rate_per_min=0, max_shoppers=10)
    await room.open(SALE, "seed")
    phone, laptop, other = await asyncio.gather(
        room.standing(SALE, 1, join=True),
        room.standing(SALE, 1, join=True),
        room.standing(SALE, 2, join=True),
    )
    assert phone.ticket == laptop.ticket
    assert other.ticket != phone.ticket
    assert (await room.stats(SALE)).waiting == 2


async def test_a_prequeue_of_1000_is_drawn_by_seed_and_admitted_in_that_order_at_pace(
    room: WaitingRoom,
) -> None:
    rate = 12_000
    await room.configure(SALE, rate_per_min=rate, max_shoppers=5000)
    families = list(range(1000, 2000))
    for family in families:
        assert (await room.standing(SALE, family, join=True)).state is QueueState.PREQUEUE
    seed = "4f1c0ffee"

    draw = await room.open(SALE, seed)

    recomputed = sorted(families, key=lambda f: hashlib.sha1(f"{seed}:{f}".encode()).hexdigest())
    assert draw.families == recomputed
    assert draw.families != families
    admitted = await _drain_admissions(room, SALE, 1000)
    assert [family for _, family, _ in admitted] == draw.families
    assert [ticket for ticket, _, _ in admitted] == list(range(1, 1001))
    for count, (_, _, ms) in enumerate(admitted, start=1):
        assert count <= rate * (ms - draw.opened_ms) / 60_000 + 1


async def test_later_arrivals_queue_behind_the_draw_in_arrival_order(room: WaitingRoom) -> None:
    await room.configure(SALE, rate_per_min=0, max_shoppers=10)
    await room.standing(SALE, 1, join=True)
    await room.open(SALE, "s")
    late = [await room.standing(SALE, family, join=True) for family in (50, 40, 60)]
    assert [s.ticket for s in late] == [2, 3, 4]
    assert [s.ahead for s in late] == [1, 2, 3]


async def test_no_more_than_max_shoppers_shop_at_once(room: WaitingRoom) -> None:
    await room.configure(SALE, rate_per_min=60_000, max_shoppers=3)
    await room.open(SALE, "s")
    for family in range(1, 7):
        await room.standing(SALE, family, join=True)
    await asyncio.sleep(0.05)
    await room.admit_due(SALE)
    assert (await room.stats(SALE)).shopping == 3
    assert (await room.standing(SALE, 4, join=False)).state is QueueState.QUEUED

    assert await room.leave(SALE, 1)
    await asyncio.sleep(0.01)
    assert (await room.standing(SALE, 4, join=False)).state is QueueState.ADMITTED
    assert (await room.standing(SALE, 5, join=False)).ahead == 0


async def test_an_idle_admitted_family_loses_its_slot_and_rejoins_at_the_back(
    room: WaitingRoom,
) -> None:
    await room.configure(SALE, rate_per_min=60_000, max_shoppers=1, idle_ms=100)
    await room.open(SALE, "s")
    first = await room.standing(SALE, 1, join=True)
    assert first.state is QueueState.ADMITTED
    await room.standing(SALE, 2, join=True)
    await asyncio.sleep(0.15)

    assert (await room.standing(SALE, 1, join=False)).state is QueueState.EXPIRED
    with pytest.raises(NotAdmitted):
        await room.touch(SALE, 1)
    assert (await room.standing(SALE, 2, join=False)).state is QueueState.ADMITTED
    again = await room.standing(SALE, 1, join=True)
    assert again.state is QueueState.QUEUED
    assert again.ticket == 3


async def test_activity_keeps_an_admitted_family_shopping(room: WaitingRoom) -> None:
    await room.configure(SALE, rate_per_min=60_000, max_shoppers=1, idle_ms=150)
    await room.open(SALE, "s")
    await room.standing(SALE, 1, join=True)
    for _ in range(4):
        await asyncio.sleep(0.06)
        await room.touch(SALE, 1)
    assert (await room.standing(SALE, 1, join=False)).state is QueueState.ADMITTED


async def test_a_family_that_paid_keeps_its_turn_for_the_grace_only(room: WaitingRoom) -> None:
    """After paying, the slot lasts `grace` without activity (not the full idle time), any
    activity in the grace runs the usual idle clock, and the grace never lengthens a turn."""
    await room.configure(SALE, rate_per_min=60_000, max_shoppers=1, idle_ms=10_000)
    await room.open(SALE, "s")
    assert (await room.standing(SALE, 1, join=True)).state is QueueState.ADMITTED
    await room.standing(SALE, 2, join=True)

    assert not await room.leave(SALE, 1, grace_ms=300)
    assert (await room.standing(SALE, 1, join=False)).state is QueueState.ADMITTED
    await room.touch(SALE, 1)  # a forgotten activity, inside the grace
    await asyncio.sleep(0.4)
    assert (await room.standing(SALE, 1, join=False)).state is QueueState.ADMITTED

    await room.leave(SALE, 1, grace_ms=300)
    await asyncio.sleep(0.4)
    assert (await room.standing(SALE, 1, join=False)).state is QueueState.EXPIRED
    assert (await room.standing(SALE, 2, join=False)).state is QueueState.ADMITTED


async def test_pause_stops_admissions_and_resume_continues(room: WaitingRoom) -> None:
    await room.configure(SALE, rate_per_min=60_000, max_shoppers=100)
    await room.open(SALE, "s")
    await room.pause(SALE)
    standing = await room.standing(SALE, 1, join=True)
    await asyncio.sleep(0.05)
    await room.admit_due(SALE)
    assert (await room.standing(SALE, 1, join=False)).state is QueueState.QUEUED
    assert standing.eta_seconds is None
    await room.resume(SALE)
    await asyncio.sleep(0.01)
    assert (await room.standing(SALE, 1, join=False)).state is QueueState.ADMITTED


async def test_room_transitions_are_checked(room: WaitingRoom) -> None:
    with pytest.raises(UnknownSale):
        await room.standing(SALE, 1, join=True)
    await room.configure(SALE)
    with pytest.raises(RoomTransitionRefused):
        await room.pause(SALE)
    await room.open(SALE, "s")
    with pytest.raises(RoomTransitionRefused):
        await room.open(SALE, "again")
    await room.close(SALE)
    with pytest.raises(QueueClosed):
        await room.standing(SALE, 1, join=True)


async def test_status_gives_an_eta_from_the_pace_and_a_poll_hint(room: WaitingRoom) -> None:
    await room.configure(SALE, rate_per_min=60, max_shoppers=1)
    await room.open(SALE, "s")
    for family in range(1, 12):
        await room.standing(SALE, family, join=True)
    last = await room.standing(SALE, 11, join=False)
    assert last.state is QueueState.QUEUED
    assert last.ahead == 9
    # One admission in the first 10-second bucket measures as 6 families a minute.
    assert last.measured_rate_per_min == 6
    assert last.eta_seconds == 100
    assert last.poll_after_seconds == 10


async def test_before_opening_families_wait_in_the_prequeue(room: WaitingRoom) -> None:
    await room.configure(SALE, opens_ms=10**13)
    looking = await room.standing(SALE, 1, join=False)
    assert looking.state is QueueState.NONE
    joined = await room.standing(SALE, 1, join=True)
    assert joined.state is QueueState.PREQUEUE
    assert joined.poll_after_seconds == 30


async def test_the_room_reports_the_median_wait_of_the_last_minutes_admissions(
    room: WaitingRoom, redis: Redis
) -> None:
    await room.configure(SALE, rate_per_min=0, max_shoppers=100)
    await room.open(SALE, "s")
    for family in (1, 2, 3):
        await room.standing(SALE, family, join=True)
    before = await room.stats(SALE)
    await asyncio.sleep(1.1)
    await room.configure(SALE, rate_per_min=60_000)
    await asyncio.sleep(0.05)
    await _drain_admissions(room, SALE, 3)
    after = await room.stats(SALE)

    assert before.median_wait_s is None
    entries = await redis.xrange(sale_keys(SALE).admissions)
    waits = [int(fields[b"waited"]) for _, fields in entries]
    assert len(waits) == 3
    assert all(1_100 <= w < 5_000 for w in waits)
    assert after.median_wait_s == 10  # the histogram's first bound: up to 10 s
    assert await redis.hlen(sale_keys(SALE).issued) == 0  # type: ignore[misc]
