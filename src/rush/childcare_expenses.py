"""The childcare a family paid, per child and tax year: the figures of the Relevé 24.

A payment settles an order, not a child, and one order can mix siblings, childcare (day camp,
daycare) and other activities. Each payment that succeeded is shared among the order's places in
proportion to their price, and counts in the year it was made on Quebec's clock. Shares come from
the running total paid, so an order paid in full gives each child exactly the price of its
childcare places, whatever the rounding of its instalments.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rush.db import Executor, query
from rush.i18n import TIME_ZONE

__all__ = [
    "ChildcareYear",
    "Period",
    "childcare_paid",
    "merged_periods",
    "shares_by_tax_year",
    "weekdays_in",
]

Period = tuple[dt.date, dt.date]
"""First and last day of care, both included."""
_Span = tuple[dt.date | None, dt.date | None]
"""A group's dates, unknown when the group has none."""


@dataclass(frozen=True, slots=True)
class ChildcareYear:
    """What one child's childcare cost the family in one tax year, and when the care was."""

    person_id: int
    tax_year: int
    paid_cents: int
    periods: list[Period]
    days_of_care: int | None
    """Weekdays in the periods; None when a group has no dates, as the count would be wrong."""


@dataclass(frozen=True, slots=True)
class _Place:
    order_id: uuid.UUID
    person_id: int
    price_cents: int
    starts_on: dt.date | None
    ends_on: dt.date | None
    order_total_cents: int


def _tax_year(moment: dt.datetime) -> int:
    return moment.astimezone(TIME_ZONE).year


def shares_by_tax_year(
    eligible_cents: int, order_total_cents: int, payments: Iterable[tuple[int, dt.datetime]]
) -> dict[int, int]:
    """The part of `eligible_cents` each year's payments settled, payments given in order."""
    if not 0 <= eligible_cents <= order_total_cents:
        raise ValueError("the eligible part of an order is between 0 and its total")
    if order_total_cents == 0:
        return {}
    shares: dict[int, int] = defaultdict(int)
    paid = counted = 0
    for amount_cents, paid_at in payments:
        paid = min(paid + amount_cents, order_total_cents)
        settled = paid * eligible_cents // order_total_cents
        shares[_tax_year(paid_at)] += settled - counted
        counted = settled
    return {year: cents for year, cents in shares.items() if cents}


def merged_periods(periods: Iterable[Period]) -> list[Period]:
    """Periods sorted, with overlapping or back-to-back ones joined (a week and its daycare)."""
    merged: list[Period] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def weekdays_in(periods: Sequence[Period]) -> int:
    """Monday-to-Friday days in periods that do not overlap."""
    return sum(
        1
        for start, end in periods
        for offset in range((end - start).days + 1)
        if (start + dt.timedelta(days=offset)).weekday() < 5
    )


async def childcare_paid(conn: Executor, family_id: int) -> list[ChildcareYear]:
    """Every (child, tax year) of the family with childcare paid, by child then year."""
    places = [
        _Place(
            r["order_id"],
            r["person_id"],
            r["price_cents"],
            r["starts_on"],
            r["ends_on"],
            r["total_cents"],
        )
        for r in await conn.fetch(query("records_childcare_lines"), family_id)
    ]
    paid: dict[uuid.UUID, list[tuple[int, dt.datetime]]] = defaultdict(list)
    for row in await conn.fetch(query("records_payments"), family_id):
        if row["status"] == "succeeded" and row["succeeded_at"] is not None:
            paid[row["order_id"]].append((row["amount_cents"], row["succeeded_at"]))
    return _by_child_and_year(places, paid)


def _by_child_and_year(
    places: list[_Place], paid: dict[uuid.UUID, list[tuple[int, dt.datetime]]]
) -> list[ChildcareYear]:
    eligible: dict[tuple[uuid.UUID, int], int] = defaultdict(int)
    spans: dict[tuple[uuid.UUID, int], list[_Span]] = defaultdict(list)
    totals: dict[uuid.UUID, int] = {}
    for place in places:
        key = (place.order_id, place.person_id)
        eligible[key] += place.price_cents
        spans[key].append((place.starts_on, place.ends_on))
        totals[place.order_id] = place.order_total_cents
    amounts: dict[tuple[int, int], int] = defaultdict(int)
    care: dict[tuple[int, int], list[_Span]] = defaultdict(list)
    for (order_id, person_id), cents in eligible.items():
        shares = shares_by_tax_year(cents, totals[order_id], paid.get(order_id, []))
        for year, share in shares.items():
            amounts[(person_id, year)] += share
            care[(person_id, year)] += spans[(order_id, person_id)]
    return [
        _year(person_id, year, cents, care[(person_id, year)])
        for (person_id, year), cents in sorted(amounts.items())
    ]


def _year(person_id: int, year: int, cents: int, spans: list[_Span]) -> ChildcareYear:
    periods = merged_periods(
        (start, end) for start, end in spans if start is not None and end is not None
    )
    known = all(start is not None and end is not None for start, end in spans)
    return ChildcareYear(person_id, year, cents, periods, weekdays_in(periods) if known else None)
