"""Polls by signed ticket against a real Redis: one room read per process and quarter second,
and a place that always agrees with the room's own answer."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from redis.asyncio import Redis

from rush.errors import InvalidQueueTicket, UnknownSale
from rush.room.snapshots import RoomSnapshots, queued_standing
from rush.room.tickets import QueueTicket, QueueTickets
from rush.room.waiting_room import QueueState, WaitingRoom

SALE = 11


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _script_calls(redis: Redis) -> int:
    stats = await redis.info("commandstats")
    return sum(int(v["calls"]) for k, v in stats.items() if k.startswith("cmdstat_evalsha"))


@pytest.fixture
def room(redis: Redis, clean: None) -> WaitingRoom:
    return WaitingRoom(redis)


async def test_concurrent_polls_share_one_room_read_until_it_is_a_quarter_second_old(
    room: WaitingRoom, redis: Redis
) -> None:
    await room.configure(SALE, rate_per_min=0, max_shoppers=10)
    await room.open(SALE, "seed")
    clock = Clock()
    snapshots = RoomSnapshots(room, max_age_s=0.25, clock=clock)
    await room.stats(SALE)  # the script is loaded: each read below is one call

    before = await _script_calls(redis)
    readings = await asyncio.gather(*(snapshots.get(SALE) for _ in range(200)))
    assert await _script_calls(redis) - before == 1
    assert len({id(r) for r in readings}) == 1

    clock.now += 0.2
    await snapshots.get(SALE)
    assert await _script_calls(redis) - before == 1
    clock.now += 0.1
    await snapshots.get(SALE)
    assert await _script_calls(redis) - before == 2


async def test_a_reading_admits_what_is_due_like_a_poll_did(room: WaitingRoom) -> None:
    await room.configure(SALE, rate_per_min=60_000, max_shoppers=10)
    await room.open(SALE, "seed")
    await room.pause(SALE)
    for family in (1, 2, 3):
        await room.standing(SALE, family, join=True)
    await room.resume(SALE)
    await asyncio.sleep(0.05)  # 1,000 admissions a second: credit for all three
    stats = await RoomSnapshots(room, max_age_s=0).get(SALE)
    assert stats.admitted_total == 3


async def test_an_unknown_sale_is_refused_and_not_remembered(room: WaitingRoom) -> None:
    snapshots = RoomSnapshots(room)
    with pytest.raises(UnknownSale):
        await snapshots.get(SALE)
    await room.configure(SALE, rate_per_min=0, max_shoppers=10)
    assert (await snapshots.get(SALE)).status == "scheduled"


async def test_an_admitted_or_replaced_ticket_is_left_to_the_room(room: WaitingRoom) -> None:
    await room.configure(SALE, rate_per_min=60_000, max_shoppers=1, idle_ms=100)
    await room.open(SALE, "s")
    first = await room.standing(SALE, 1, join=True)
    second = await room.standing(SALE, 2, join=True)
    stats = await room.stats(SALE)
    assert first.state is QueueState.ADMITTED
    assert queued_standing(stats, QueueTicket(1, SALE, first.ticket)) is None
    in_line = queued_standing(stats, QueueTicket(2, SALE, second.ticket))
    assert in_line is not None
    assert (in_line.state, in_line.ahead) == (QueueState.QUEUED, 0)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["join", "admit", "leave", "pace"]), st.integers(1, 12)),
        min_size=1,
        max_size=40,
    )
)
async def test_a_place_read_by_ticket_is_always_the_rooms_own_answer(
    redis: Redis, steps: list[tuple[str, int]]
) -> None:
    """Whatever happened in the room, a fresh reading answers for a ticket exactly what the
    room answers for its family, or leaves the answer to the room."""
    await redis.flushdb()
    room = WaitingRoom(redis)
    await room.configure(SALE, rate_per_min=0, max_shoppers=4, idle_ms=0)
    await room.open(SALE, "seed")
    tickets: dict[int, int] = {}
    for action, n in steps:
        if action == "join":
            tickets[n] = (await room.standing(SALE, n, join=True)).ticket
        elif action == "leave":
            await room.leave(SALE, n)
        elif action == "pace":
            await room.configure(SALE, rate_per_min=n * 60_000 if n % 2 else 0)
        else:
            await room.admit_due(SALE)
    await room.configure(SALE, rate_per_min=0)  # no admission between the two reads
    stats = await RoomSnapshots(room, max_age_s=0).get(SALE)
    for family, ticket in tickets.items():
        answer = queued_standing(stats, QueueTicket(family, SALE, ticket))
        truth = await room.standing(SALE, family, join=False)
        if answer is None:
            assert truth.state is not QueueState.QUEUED or truth.ticket != ticket
        else:
            assert (answer.state, answer.ticket, answer.ahead, answer.waiting) == (
                truth.state,
                truth.ticket,
                truth.ahead,
                truth.waiting,
            )


def test_a_ticket_token_is_refused_when_forged_expired_or_of_another_sale() -> None:
    tickets = QueueTickets("secret", lifetime_ms=1000)
    token = tickets.issue(5, SALE, 42, now_ms=10_000)
    read = tickets.read(token, SALE).require_unexpired(10_999)
    assert (read.family_id, read.sale_id, read.ticket) == (5, SALE, 42)
    with pytest.raises(InvalidQueueTicket):
        tickets.read(token, SALE).require_unexpired(11_000)
    for bad, sale in (
        (token, SALE + 1),
        (token[:-2] + "xx", SALE),
        (QueueTickets("other secret").issue(5, SALE, 1, 10_000), SALE),
        ("", SALE),
        (None, SALE),
    ):
        with pytest.raises(InvalidQueueTicket):
            tickets.read(bad, sale)
