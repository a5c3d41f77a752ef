"""Sharing an order's payments among its childcare places, per tax year, and counting days."""

from __future__ import annotations

import datetime as dt

import pytest

from rush.childcare_expenses import merged_periods, shares_by_tax_year, weekdays_in

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
