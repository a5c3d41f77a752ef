"""Opening-morning traces: deterministic, faithful to their shares, and seedable in bulk."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import asyncpg
import pytest

from loadtests.seed_families import load_catalogue, seed_trace_families
from loadtests.traces import (
    FamilyPlan,
    GroupInfo,
    TraceEvent,
    TraceRecorder,
    generate_trace,
    iter_plans,
    read_header,
    read_trace,
    write_trace,
)
from rush.catalogue.eligibility import age_on
from rush.families.accounts import authenticate
from rush.families.readiness import readiness
from tests.support.catalogue_factory import CatalogueFactory

REFERENCE = dt.date(2027, 9, 30)


def summer_catalogue() -> list[GroupInfo]:
    """Eight camp weeks with their daycare, and four swimming levels by age."""
    weeks = [
        GroupInfo(
            id=week,
            sale_id=1,
            program_id=1,
            program_kind="day_camp",
            capacity=40,
            price_cents=9500,
            age_min=5,
            age_max=12,
            week_number=week,
            age_reference_date=REFERENCE,
        )
        for week in range(1, 9)
    ]
    daycare = [
        GroupInfo(
            id=100 + week.id,
            sale_id=1,
            program_id=2,
            program_kind="daycare",
            capacity=20,
            price_cents=3000,
            age_min=5,
            age_max=12,
            daycare_for_group_id=week.id,
            age_reference_date=REFERENCE,
        )
        for week in weeks
    ]
    swimming = [
        GroupInfo(
            id=200 + level,
            sale_id=1,
            program_id=3,
            program_kind="swimming",
            capacity=12,
            price_cents=6000,
            age_min=3 + 2 * level,
            age_max=4 + 2 * level,
            age_reference_date=REFERENCE,
        )
        for level in range(4)
    ]
    return weeks + daycare + swimming


def morning(seed: int = 7, families: int = 2000) -> list[FamilyPlan]:
    trace = generate_trace(summer_catalogue(), families, 1.6, 0.7, 0.1, 0.15, seed)
    return trace.families


def test_the_same_seed_gives_the_same_morning_and_another_seed_another() -> None:
    created = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)
    first = generate_trace(summer_catalogue(), 300, 1.6, 0.7, 0.1, 0.15, 42, created_at=created)
    again = generate_trace(summer_catalogue(), 300, 1.6, 0.7, 0.1, 0.15, 42, created_at=created)
    other = generate_trace(summer_catalogue(), 300, 1.6, 0.7, 0.1, 0.15, 43, created_at=created)
    assert first == again
    assert first.families != other.families
    assert first.sale_id == 1
    assert first.parameters["families"] == 300


def test_a_trace_round_trips_through_its_file_and_streams(tmp_path: Path) -> None:
    trace = generate_trace(summer_catalogue(), 50, 2.0, 0.7, 0.2, 0.2, 3)
    path = tmp_path / "trace.jsonl"
    write_trace(trace, path)
    assert read_trace(path) == trace
    assert read_header(path).seed == 3
    assert len(path.read_text().splitlines()) == 51
    assert next(iter_plans(path)) == trace.families[0]


def test_families_arrive_in_order_with_a_crowd_before_opening_and_a_spike_after() -> None:
    arrivals = [p.arrival_s for p in morning()]
    assert arrivals == sorted(arrivals)
    before = sum(1 for a in arrivals if a < 0)
    first_minute = sum(1 for a in arrivals if 0 <= a < 60)
    assert 0.25 < before / len(arrivals) < 0.45
    # The minute after opening sees more families than the half hour before it.
    assert first_minute > before


def test_behaviour_shares_are_respected_within_tolerance() -> None:
    plans = morning()
    counts = Counter(p.behaviour for p in plans)
    assert counts["abandons"] / len(plans) == pytest.approx(0.10, abs=0.02)
    assert counts["pays_late"] / len(plans) == pytest.approx(0.15, abs=0.025)
    assert counts["removes"] > 0
    late = [p.pay_delay_s for p in plans if p.behaviour == "pays_late"]
    assert min(late) >= 120
    assert all(p.pay_delay_s == 0 for p in plans if p.behaviour != "pays_late")
    children = sum(len(p.children) for p in plans) / len(plans)
    assert children == pytest.approx(1.6, abs=0.1)
    assert {p.instalments for p in plans} == {1, 2}


def test_popular_groups_get_most_of_the_demand() -> None:
    trace = generate_trace(summer_catalogue(), 2000, 1.6, 0.7, 0.1, 0.15, 11)
    popular = set(trace.parameters["popular_group_ids"])
    demand = Counter(g for p in trace.families for wants in p.wants for g in wants)
    camp_weeks = range(1, 9)
    hot = [demand[w] for w in camp_weeks if w in popular]
    cold = [demand[w] for w in camp_weeks if w not in popular]
    assert hot
    assert cold
    assert min(hot) > 2 * max(cold)
    # Far more families want a popular week than it has places: it sells out.
    assert min(hot) > 40


def test_every_child_wants_groups_of_its_age_and_daycare_only_with_its_week() -> None:
    groups = {g.id: g for g in summer_catalogue()}
    for plan in morning(families=500):
        assert len(plan.wants) == len(plan.children)
        for child, wants in zip(plan.children, plan.wants, strict=True):
            assert wants
            assert len(set(wants)) == len(wants)
            age = age_on(child.birth_date, REFERENCE)
            for group_id in wants:
                group = groups[group_id]
                assert group.age_min is not None
                assert group.age_max is not None
                assert group.age_min <= age <= group.age_max
                if group.daycare_for_group_id is not None:
                    assert group.daycare_for_group_id in wants


def test_shares_outside_zero_and_one_are_refused() -> None:
    with pytest.raises(ValueError, match="abandon_share"):
        generate_trace(summer_catalogue(), 10, 1.5, 0.7, 1.2, 0.0, 1)
    with pytest.raises(ValueError, match="cannot pass 1"):
        generate_trace(summer_catalogue(), 10, 1.5, 0.7, 0.6, 0.6, 1)


def test_a_recorded_run_replays_as_a_trace(tmp_path: Path) -> None:
    trace = generate_trace(summer_catalogue(), 3, 1.0, 0.7, 0.0, 0.0, 5)
    path = tmp_path / "recorded.jsonl"
    recorder = TraceRecorder(path, trace.header)
    done = trace.families[0]
    recorded = FamilyPlan(
        **{
            **{f: getattr(done, f) for f in done.__struct_fields__},
            "events": [TraceEvent(-3.5, "join", 200), TraceEvent(12.25, "hold", 200)],
        }
    )
    recorder.record(recorded)
    TraceRecorder(path, trace.header).record(trace.families[1])  # a second process appends
    replay = read_trace(path)
    assert replay.seed == trace.seed
    assert replay.families == [recorded, trace.families[1]]
    assert replay.families[0].events[1] == TraceEvent(12.25, "hold", 200)


async def test_seeded_families_log_in_and_are_ready_to_register(
    pool: asyncpg.Pool, catalogue: CatalogueFactory, clean: None
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    camp = await catalogue.program(
        [10, 10, 10], sale_id=sale_id, ages=(5, 12), daycare_capacities=[5]
    )
    groups = await load_catalogue(pool, sale_id)
    assert {g.id for g in groups} == {*camp.group_ids, *camp.daycare_ids}
    assert groups[0].age_reference_date == dt.date(2027, 9, 30)
    trace = generate_trace(groups, 25, 1.8, 0.7, 0.1, 0.1, 9)

    await seed_trace_families(pool, trace)
    await seed_trace_families(pool, trace)  # seeding again adds nobody twice

    assert await pool.fetchval("SELECT count(*) FROM family") == 25
    children = sum(len(p.children) for p in trace.families)
    assert await pool.fetchval("SELECT count(*) FROM person WHERE role = 'child'") == children
    unconfirmed = await pool.fetchval(
        "SELECT count(*) FROM account WHERE email_confirmed_at IS NULL"
    )
    assert unconfirmed == 0
    for plan in (trace.families[0], trace.families[-1]):
        account = await authenticate(pool, plan.email, plan.password)
        assert account.family_id is not None
        report = await readiness(pool, account.family_id)
        assert report.issues == []
        born = await pool.fetch(
            "SELECT birth_date FROM person WHERE family_id = $1 AND role = 'child'",
            account.family_id,
        )
        assert sorted(r["birth_date"] for r in born) == sorted(c.birth_date for c in plan.children)
