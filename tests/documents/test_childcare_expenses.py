"""Sharing an order's payments among its childcare places, per tax year, and counting days."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rush.documents.childcare_expenses import merged_periods, shares_by_tax_year, weekdays_in
from rush.i18n import TIME_ZONE

UTC = dt.UTC


def test_instalment_shares_add_up_to_the_eligible_price_exactly() -> None:
    payments = [
        (5001, dt.datetime(2026, 6, 1, 12, tzinfo=UTC)),
        (4999, dt.datetime(2027, 1, 15, 12, tzinfo=UTC)),
    ]
    shares = shares_by_tax_year(3333, 10_000, payments)
    assert shares == {2026: 1666, 2027: 1667}
    assert sum(shares.values()) == 3333


def test_a_payment_counts_in_the_year_of_quebec_wall_clock() -> None:
    new_years_eve_in_quebec = dt.datetime(2027, 1, 1, 4, 59, tzinfo=UTC)
    new_year_in_quebec = dt.datetime(2027, 1, 1, 5, 0, tzinfo=UTC)
    assert shares_by_tax_year(100, 100, [(100, new_years_eve_in_quebec)]) == {2026: 100}
    assert shares_by_tax_year(100, 100, [(100, new_year_in_quebec)]) == {2027: 100}


def test_only_payments_made_count_and_nothing_eligible_gives_nothing() -> None:
    half = [(5000, dt.datetime(2026, 6, 1, tzinfo=UTC))]
    assert shares_by_tax_year(4000, 10_000, half) == {2026: 2000}
    assert shares_by_tax_year(0, 10_000, half) == {}
    assert shares_by_tax_year(0, 0, []) == {}


def test_a_refund_of_the_only_payment_leaves_nothing_paid() -> None:
    """Half of two weeks paid, then the other week cancelled and that half refunded."""
    moves = [
        (9500, dt.datetime(2026, 5, 2, 12, tzinfo=UTC)),
        (-9500, dt.datetime(2026, 6, 1, 12, tzinfo=UTC)),
    ]
    assert shares_by_tax_year(9500, 9500, moves) == {}


def test_money_kept_for_a_cancelled_place_is_not_childcare() -> None:
    """190 $ paid for two weeks; one cancelled with 20 $ back: the kept week's 95 $ only."""
    moves = [
        (19_000, dt.datetime(2026, 5, 2, 12, tzinfo=UTC)),
        (-2000, dt.datetime(2026, 6, 1, 12, tzinfo=UTC)),
    ]
    assert shares_by_tax_year(9500, 9500, moves) == {2026: 9500}


def test_a_refund_in_a_later_year_lowers_the_year_it_takes_back() -> None:
    moves = [
        (9500, dt.datetime(2026, 5, 2, 12, tzinfo=UTC)),
        (9500, dt.datetime(2027, 1, 15, 12, tzinfo=UTC)),
        (-9500, dt.datetime(2027, 3, 1, 12, tzinfo=UTC)),
        (-9500, dt.datetime(2028, 2, 1, 12, tzinfo=UTC)),
    ]
    assert shares_by_tax_year(19_000, 19_000, moves[:3]) == {2026: 9500}
    assert shares_by_tax_year(19_000, 19_000, moves) == {}


_AMOUNTS = st.integers(1, 20_000)
_MOMENTS = st.datetimes(
    min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2029, 12, 31), timezones=st.just(UTC)
)


@given(
    eligible_share=st.fractions(0, 1),
    kept_total=st.integers(0, 60_000),
    moves=st.lists(st.tuples(_AMOUNTS, st.booleans(), _MOMENTS), max_size=8),
)
def test_shares_are_never_negative_and_add_up_to_the_eligible_part_of_what_stayed_paid(
    eligible_share: Fraction,
    kept_total: int,
    moves: list[tuple[int, bool, dt.datetime]],
) -> None:
    eligible = int(kept_total * eligible_share)
    ordered = sorted(moves, key=lambda move: move[2])
    signed = [(-amount if refund else amount, at) for amount, refund, at in ordered]

    shares = shares_by_tax_year(eligible, kept_total, signed)

    assert all(cents > 0 for cents in shares.values())
    net = sum(amount for amount, _ in signed)
    if kept_total:
        stayed = min(max(net, 0), kept_total)
        assert sum(shares.values()) == stayed * eligible // kept_total
        paid_by_year_end = {
            year: sum(a for a, at in signed if a > 0 and at.astimezone(TIME_ZONE).year <= year)
            for year in shares
        }
        for year in shares:  # a year never counts money not yet paid by its end
            counted = sum(cents for y, cents in shares.items() if y <= year)
            assert counted <= min(paid_by_year_end[year], kept_total) * eligible // kept_total
    else:
        assert shares == {}


def test_an_eligible_part_above_the_order_total_is_refused() -> None:
    with pytest.raises(ValueError, match="eligible"):
        shares_by_tax_year(10_001, 10_000, [])


def test_a_week_and_its_daycare_make_one_period_and_separate_weeks_stay_apart() -> None:
    week = (dt.date(2026, 6, 29), dt.date(2026, 7, 3))
    next_week = (dt.date(2026, 7, 6), dt.date(2026, 7, 10))
    back_to_back = (dt.date(2026, 7, 4), dt.date(2026, 7, 5))
    assert merged_periods([next_week, week, week]) == [week, next_week]
    assert merged_periods([week, back_to_back, next_week]) == [(week[0], next_week[1])]


def test_days_of_care_are_the_weekdays_of_the_periods() -> None:
    assert weekdays_in([(dt.date(2026, 6, 29), dt.date(2026, 7, 3))]) == 5
    assert weekdays_in([(dt.date(2026, 6, 27), dt.date(2026, 7, 5))]) == 5
    assert weekdays_in([(dt.date(2026, 7, 4), dt.date(2026, 7, 4))]) == 0
