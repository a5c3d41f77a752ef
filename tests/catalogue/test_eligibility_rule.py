"""The one eligibility rule, decided on facts alone: linked groups and caps, property-tested."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rush.catalogue.eligibility import CapRule, GroupRules, PersonFacts, check_eligibility
from rush.errors import ChildCapReached, DaycareNeedsWeek

SEASON = dt.date(2027, 9, 30)
CHILD = 1
WEEKS = [10, 11, 12]
DAYCARE = {20: 10, 21: 11, 22: 12}
"""Daycare slot -> its camp week."""


def group(group_id: int) -> GroupRules:
    return GroupRules(
        group_id=group_id,
        program_id=1,
        price_cents=1000,
        age_min=None,
        age_max=None,
        week_group_id=DAYCARE.get(group_id),
        age_reference_date=SEASON,
    )


def child(places: int = 0) -> PersonFacts:
    return PersonFacts(CHILD, dt.date(2019, 1, 1), {1: places} if places else {})


@given(
    asked=st.sets(st.sampled_from([*WEEKS, *DAYCARE]), min_size=1),
    in_cart=st.sets(st.sampled_from(WEEKS)),
    registered=st.sets(st.sampled_from(WEEKS)),
)
def test_a_daycare_slot_is_taken_exactly_when_the_child_has_or_asks_its_week(
    asked: set[int], in_cart: set[int], registered: set[int]
) -> None:
    in_cart -= registered
    asked -= in_cart | registered
    if not asked:
        return
    has_week = asked | in_cart | registered
    orphan = [g for g in asked if g in DAYCARE and DAYCARE[g] not in has_week]

    def decide() -> None:
        check_eligibility(
            [child()],
            [group(g) for g in sorted(asked)],
            {(CHILD, g) for g in registered},
            {(CHILD, g) for g in in_cart},
            [],
        )

    if orphan:
        with pytest.raises(DaycareNeedsWeek):
            decide()
    else:
        decide()


@given(
    weeks=st.integers(min_value=1, max_value=3),
    with_daycare=st.booleans(),
    already=st.integers(min_value=0, max_value=6),
    cap=st.integers(min_value=1, max_value=6),
)
def test_a_cap_counts_camp_weeks_and_never_their_daycare(
    weeks: int, with_daycare: bool, already: int, cap: int
) -> None:
    asked = WEEKS[:weeks] + (
        [d for d, w in DAYCARE.items() if w in WEEKS[:weeks]] if with_daycare else []
    )

    def decide() -> None:
        check_eligibility(
            [child(already)], [group(g) for g in asked], set(), set(), [CapRule(1, cap)]
        )

    if already + weeks > cap:
        with pytest.raises(ChildCapReached):
            decide()
    else:
        decide()
