"""The childcare a family paid, per child and tax year: the figures of the Relevé 24.

A payment settles an order, not a child, and one order can mix siblings, childcare (day camp,
daycare) and other activities. The money the family has in an order (payments less refunds) is
shared among the places it kept (not cancelled) in proportion to their price, and counts in the
year it was paid on Quebec's clock. Shares come from the running total, so an order paid in full
gives each child exactly the price of its childcare places, whatever the rounding of its
instalments. Money kept for a cancelled place (a cancellation fee) is not childcare, and a
refund takes back the latest payments first: a year's figure never goes below zero, an earlier
year's slip is lowered instead when what it counted was later given back.
"""

from __future__ import annotations

import datetime as dt
import itertools
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
    kept_total_cents: int


def _tax_year(moment: dt.datetime) -> int:
    return moment.astimezone(TIME_ZONE).year


def shares_by_tax_year(
    eligible_cents: int, kept_total_cents: int, moves: Iterable[tuple[int, dt.datetime]]
) -> dict[int, int]:
    """The part of `eligible_cents` each year's money settled; `moves` in order of time,
    payments positive and refunds negative, `kept_total_cents` the price of the places kept."""
    if not 0 <= eligible_cents <= kept_total_cents:
        raise ValueError("the eligible part of an order is between 0 and its total")
    if kept_total_cents == 0:
        return {}
    at_year_end: dict[int, int] = {}
    net = 0
    for amount_cents, moved_at in moves:
        net += amount_cents
        at_year_end[_tax_year(moved_at)] = min(max(net, 0), kept_total_cents)
    # What a year settled for good is what no later refund took back: the least held since.
    years = sorted(at_year_end)
    for later, earlier in itertools.pairwise(reversed(years)):
        at_year_end[earlier] = min(at_year_end[earlier], at_year_end[later])
    shares: dict[int, int] = {}
    counted = 0
    for year in years:
        settled = at_year_end[year] * eligible_cents // kept_total_cents
        if settled > counted:
            shares[year] = settled - counted
        counted = settled
    return shares


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
            r["kept_total_cents"],
        )
        for r in await conn.fetch(query("records_childcare_lines"), family_id)
    ]
    moves: dict[uuid.UUID, list[tuple[int, dt.datetime]]] = defaultdict(list)
    for row in await conn.fetch(query("records_payments"), family_id):
        # A payment refunded since still came in; its refunds go out below.
        if row["status"] in ("succeeded", "refunded") and row["succeeded_at"] is not None:
            moves[row["order_id"]].append((row["amount_cents"], row["succeeded_at"]))
    for row in await conn.fetch(query("records_refunds"), family_id):
        moves[row["order_id"]].append((-row["amount_cents"], row["refunded_at"]))
    for order_moves in moves.values():
        order_moves.sort(key=lambda move: move[1])
    return _by_child_and_year(places, moves)


def _by_child_and_year(
    places: list[_Place], moves: dict[uuid.UUID, list[tuple[int, dt.datetime]]]
) -> list[ChildcareYear]:
    eligible: dict[tuple[uuid.UUID, int], int] = defaultdict(int)
    spans: dict[tuple[uuid.UUID, int], list[_Span]] = defaultdict(list)
    totals: dict[uuid.UUID, int] = {}
    for place in places:
        key = (place.order_id, place.person_id)
        eligible[key] += place.price_cents
        spans[key].append((place.starts_on, place.ends_on))
        totals[place.order_id] = place.kept_total_cents
    amounts: dict[tuple[int, int], int] = defaultdict(int)
    care: dict[tuple[int, int], list[_Span]] = defaultdict(list)
    for (order_id, person_id), cents in eligible.items():
        shares = shares_by_tax_year(cents, totals[order_id], moves.get(order_id, []))
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
