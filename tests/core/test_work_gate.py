"""A busy web process lets the purchase path work first, and never leaves a slot idle while a
request waits (`rush.work_gate`)."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rush.work_gate import Priority, WorkGate


async def _turns(count: int = 3) -> None:
    """A few loop turns: enough for every woken waiter to run up to its next await."""
    for _ in range(count):
        await asyncio.sleep(0)


async def test_waiters_take_freed_slots_purchase_first_then_in_order_of_arrival() -> None:
    gate = WorkGate(slots=1)
    assert await gate.enter(Priority.OTHER)
    started: list[str] = []

    async def request(name: str, priority: Priority) -> None:
        await gate.enter(priority)
        started.append(name)
        await _turns()
        gate.leave()

    arrivals = [
        ("sign-in", Priority.NEW_ARRIVAL),
        ("status poll", Priority.OTHER),
        ("hold", Priority.PURCHASE),
        ("checkout", Priority.PURCHASE),
        ("queue join", Priority.NEW_ARRIVAL),
    ]
    tasks = [asyncio.create_task(request(name, priority)) for name, priority in arrivals]
    await _turns()
    assert (gate.busy, gate.waiting, started) == (1, 5, [])
    gate.leave()
    await asyncio.gather(*tasks)
    assert started == ["hold", "checkout", "status poll", "sign-in", "queue join"]
    assert (gate.busy, gate.waiting) == (0, 0)


async def test_a_new_arrival_that_waits_too_long_gives_up_its_place_and_takes_no_slot() -> None:
    gate = WorkGate(slots=1)
    assert await gate.enter(Priority.PURCHASE)
    assert not await gate.enter(Priority.NEW_ARRIVAL, timeout_s=0.01)
    assert (gate.busy, gate.waiting) == (1, 0)
    gate.leave()
    assert gate.busy == 0
    assert await gate.enter(Priority.NEW_ARRIVAL, timeout_s=0.01)  # a free slot: at once


async def test_a_cancelled_waiter_leaves_the_line_and_a_slot_handed_to_it_passes_on() -> None:
    gate = WorkGate(slots=1)
    assert await gate.enter(Priority.OTHER)
    gone = asyncio.create_task(gate.enter(Priority.PURCHASE))
    await _turns()
    gone.cancel()
    with pytest.raises(asyncio.CancelledError):
        await gone
    assert gate.waiting == 0

    # Handed the slot, then cancelled before it ran: the next in line gets the slot.
    handed = asyncio.create_task(gate.enter(Priority.PURCHASE))
    after = asyncio.create_task(gate.enter(Priority.OTHER))
    await _turns()
    gate.leave()  # the slot goes to `handed`...
    handed.cancel()  # ...which is cancelled before it can run
    with pytest.raises(asyncio.CancelledError):
        await handed
    assert await after
    assert (gate.busy, gate.waiting) == (1, 0)


def test_a_gate_needs_a_slot() -> None:
    with pytest.raises(ValueError, match="at least one slot"):
        WorkGate(slots=0)


@settings(max_examples=60, deadline=None)
@given(
    slots=st.integers(min_value=1, max_value=4),
    requests=st.lists(
        st.tuples(
            st.sampled_from(list(Priority)),
            st.integers(min_value=0, max_value=3),  # loop turns before it arrives
            st.integers(min_value=0, max_value=3),  # loop turns it works
        ),
        min_size=1,
        max_size=25,
    ),
)
def test_never_more_at_work_than_slots_never_a_slot_idle_while_one_waits(
    slots: int, requests: list[tuple[Priority, int, int]]
) -> None:
    async def run() -> None:
        gate = WorkGate(slots)
        at_work = 0

        async def request(priority: Priority, arrives: int, works: int) -> None:
            nonlocal at_work
            await _turns(arrives)
            await gate.enter(priority)
            at_work += 1
            assert at_work <= slots
            await _turns(works)
            at_work -= 1
            gate.leave()
            # Whoever is still waiting now has a slot on its way: none left idle.
            assert gate.waiting == 0 or gate.busy == slots

        await asyncio.gather(*(request(*r) for r in requests))
        assert (gate.busy, gate.waiting, at_work) == (0, 0, 0)

    # A private loop: `asyncio.run` would leave the thread with no current loop for later tests.
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(run())
    finally:
        loop.close()
