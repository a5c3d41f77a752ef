"""Waitlists: a full group's next family gets a freed place as a time-limited offer.

Places free up by expiry, cancellation, refund or a raised capacity; a worker looks for
groups with both free places and families waiting, and holds a place for the next family
(`offer:<entry id>`, for the sale's offer window) before telling it by email. Families
refunded after a payment conflict go first.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict

import asyncpg
import msgspec

from rush.catalogue.eligibility import Purpose, require_eligible
from rush.db import query
from rush.engine.holds import HoldEngine, HoldStatus
from rush.errors import OfferNotAvailable, PlacesAvailable, RushError, TermsNotAccepted
from rush.purchase.orders import (
    CheckoutResult,
    Instalment,
    OrderLineDraft,
    finalize_order,
    order_result,
    write_order,
)
from rush.purchase.payments.provider import PaymentProvider
from rush.services import Services

__all__ = [
    "Offer",
    "WaitlistEntry",
    "accept_offer",
    "expire_offers",
    "family_waitlist",
    "join_waitlist",
    "offer_freed_places",
]


class WaitlistEntry(msgspec.Struct, frozen=True):
    id: int
    group_id: int
    person_id: int
    status: str
    priority: int
    offer_expires_at: dt.datetime | None
    price_cents: int


class Offer(msgspec.Struct, frozen=True):
    entry_id: int
    family_id: int
    group_id: int
    expires_at: dt.datetime


def offer_hold_id(entry_id: int) -> str:
    return f"offer:{entry_id}"


async def join_waitlist(
    pool: asyncpg.Pool, engine: HoldEngine, family_id: int, person_id: int, group_id: int
) -> int:
    """Put one of the family's persons on a full group's waitlist; returns the entry id.

    The person must be eligible for the group by the same rule as the cart's."""
    group = await pool.fetchrow(query("group_program"), group_id)
    if group is None:
        raise OfferNotAvailable("no such group")
    await require_eligible(
        pool, family_id, group["sale_id"], [person_id], [group_id], Purpose.WAITLIST
    )
    places = (await engine.places(group["program_id"], [group_id])).groups[group_id]
    if places.places_left > 0:
        raise PlacesAvailable(group_id, places.places_left)
    entry_id = await pool.fetchval(query("waitlist_insert"), group_id, family_id, person_id)
    if entry_id is None:
        entry_id = await pool.fetchval(query("waitlist_live_entry"), group_id, person_id)
    return int(entry_id)


async def family_waitlist(pool: asyncpg.Pool, family_id: int) -> list[WaitlistEntry]:
    rows = await pool.fetch(query("waitlist_family_entries"), family_id)
    return [
        WaitlistEntry(
            r["id"],
            r["group_id"],
            r["person_id"],
            r["status"],
            r["priority"],
            r["offer_expires_at"],
            r["price_cents"],
        )
        for r in rows
    ]


async def expire_offers(pool: asyncpg.Pool) -> int:
    """Offers past their window lapse; their holds expire by themselves in Redis."""
    return len(await pool.fetch(query("waitlist_expire_offers")))


async def offer_freed_places(pool: asyncpg.Pool, engine: HoldEngine) -> list[Offer]:
    """Hold each free place of a group with a waitlist for the next family in line."""
    groups = await pool.fetch(query("waitlist_groups_waiting"))
    by_program: dict[int, list[int]] = defaultdict(list)
    window: dict[int, int] = {}
    for row in groups:
        by_program[row["program_id"]].append(row["group_id"])
        window[row["group_id"]] = row["waitlist_offer_seconds"] * 1000
    if not by_program:
        return []
    places = await engine.places_many(by_program)
    offers: list[Offer] = []
    for program_id, group_ids in by_program.items():
        for group_id in group_ids:
            free = places[group_id].places_left
            if free > 0:
                offers += await _offer_group(
                    pool, engine, program_id, group_id, free, window[group_id]
                )
    return offers


async def _offer_group(
    pool: asyncpg.Pool,
    engine: HoldEngine,
    program_id: int,
    group_id: int,
    free: int,
    window_ms: int,
) -> list[Offer]:
    offers = []
    async with pool.acquire() as conn, conn.transaction():
        for entry in await conn.fetch(query("waitlist_next"), group_id, free):
            hold_id = offer_hold_id(entry["id"])
            try:
                granted = await engine.hold(
                    program_id, hold_id, {group_id: 1}, window_ms, window_ms
                )
            except RushError:
                break  # the place went to someone else meanwhile
            expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(milliseconds=granted.expires_in_ms)
            await conn.execute(query("waitlist_mark_offered"), entry["id"], hold_id, expires_at)
            offers.append(Offer(entry["id"], entry["family_id"], group_id, expires_at))
    return offers


async def accept_offer(
    services: Services,
    provider: PaymentProvider,
    family_id: int,
    entry_id: int,
    *,
    accept_terms: bool,
    return_url: str,
) -> CheckoutResult:
    """Turn a live offer into an order on its held place, paid like any checkout."""
    if not accept_terms:
        raise TermsNotAccepted("the payment terms must be accepted")
    order_id = uuid.uuid4()
    async with services.pool.acquire() as conn, conn.transaction():
        entry = await conn.fetchrow(query("waitlist_lock_offer"), entry_id, family_id)
        if entry is None or entry["status"] != "offered":
            raise OfferNotAvailable("this offer is not available")
        await require_eligible(
            conn,
            family_id,
            entry["sale_id"],
            [entry["person_id"]],
            [entry["group_id"]],
            Purpose.WAITLIST,
        )
        hold = await services.engine.inspect(entry["program_id"], entry["offer_hold_id"])
        if hold.status is not HoldStatus.LIVE:
            raise OfferNotAvailable("this offer has expired")
        line = OrderLineDraft(
            entry["person_id"],
            entry["group_id"],
            entry["program_id"],
            entry["offer_hold_id"],
            entry["price_cents"],
            {},
        )
        schedule = [Instalment(1, entry["price_cents"], dt.date.today())]
        await write_order(conn, order_id, family_id, entry["sale_id"], [line], schedule)
        await conn.execute(query("waitlist_mark_accepted"), entry_id)
    if entry["price_cents"] == 0:
        await finalize_order(services, provider, order_id)
    return await order_result(services, provider, order_id, return_url)
