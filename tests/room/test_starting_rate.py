"""The starting rate follows measured cost and cores, and stays within the sale's bounds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rush.room.starting_rate import UTILISATION, starting_rate_per_min

costs = st.floats(min_value=0.01, max_value=100_000, allow_nan=False)
cores = st.floats(min_value=0.25, max_value=512, allow_nan=False)


@st.composite
def bounds(draw: st.DrawFn) -> tuple[int, int]:
    floor = draw(st.integers(min_value=1, max_value=50_000))
    return floor, draw(st.integers(min_value=floor, max_value=1_000_000))


@given(costs, cores, bounds())
def test_the_rate_never_leaves_the_floor_and_ceiling(
    cost: float, n: float, floor_and_ceiling: tuple[int, int]
) -> None:
    floor, ceiling = floor_and_ceiling
    assert floor <= starting_rate_per_min(cost, n, floor, ceiling) <= ceiling


@given(costs, costs, cores, bounds())
def test_a_family_costing_more_never_raises_the_rate(
    cost: float, other: float, n: float, floor_and_ceiling: tuple[int, int]
) -> None:
    cheap, dear = sorted((cost, other))
    assert starting_rate_per_min(dear, n, *floor_and_ceiling) <= starting_rate_per_min(
        cheap, n, *floor_and_ceiling
    )


@given(costs, cores, cores, bounds())
def test_more_cores_never_lower_the_rate(
    cost: float, n: float, other: float, floor_and_ceiling: tuple[int, int]
) -> None:
    few, many = sorted((n, other))
    assert starting_rate_per_min(cost, few, *floor_and_ceiling) <= starting_rate_per_min(
        cost, many, *floor_and_ceiling
    )


@given(costs, cores)
def test_between_the_bounds_admitted_families_use_the_utilisation_share_of_the_cores(
    cost: float, n: float
) -> None:
    rate = starting_rate_per_min(cost, n, 1, 1_000_000)
    if 1 < rate < 1_000_000:
        share = UTILISATION * n
        assert rate * cost / 60_000 <= share * (1 + 1e-9)
        assert (rate + 1) * cost / 60_000 > share * (1 - 1e-9), "one more would fit"


def test_two_cores_and_forty_ms_a_family_admit_1950_a_minute() -> None:
    # 2 cores x 0.65 x 60,000 ms / 40 ms = 1,950 families a minute.
    assert starting_rate_per_min(40.0, 2, 10, 20_000) == 1950


def test_a_cost_not_measured_starts_at_the_ceiling() -> None:
    assert starting_rate_per_min(0.0, 2, 10, 600) == 600
    assert starting_rate_per_min(float("nan"), 2, 10, 600) == 600
