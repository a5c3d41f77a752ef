"""`rush audit`: proves, from Postgres and Redis, that a registration morning lost nothing.

It reads only and repairs nothing (`rush reconcile` repairs Redis). Redis is read first and
Postgres after, in one snapshot: Postgres commits a payment before Redis confirms its hold,
so a finalize caught between the two shows as a live hold already paid in Postgres, and is
counted as in flight rather than as drift.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import asyncpg
import msgspec

from rush.config import Settings
from rush.db import create_pool, query
from rush.engine.stored_state import EngineState, StoredGroup, StoredHold, read_engine_state
from rush.ops.rejected_webhooks import RejectedWebhook, rejected_webhooks
from rush.redis_clients import EngineRedis, open_engine_redis, server_time_ms
from rush.room.fairness import fairness_report

__all__ = [
    "AuditCounts",
    "AuditReport",
    "DoubleCharge",
    "HoldBreach",
    "LostPayment",
    "OversoldGroup",
    "RedisDrift",
    "RejectedWebhook",
    "SaleFairness",
    "audit_servers",
    "run_audit",
]

HoldBreachReason = Literal["outlived_latest", "over_lifetime", "not_indexed"]


class OversoldGroup(msgspec.Struct, frozen=True):
    group_id: int
    program_id: int
    capacity: int
    paid: int

    @property
    def over(self) -> int:
        return self.paid - self.capacity


class LostPayment(msgspec.Struct, frozen=True):
    """Money taken for an instalment whose order has no registrations and was not refunded."""

    payment_id: uuid.UUID
    order_id: uuid.UUID
    instalment: int
    order_status: str
    charged_cents: int
    refunded_cents: int


class DoubleCharge(msgspec.Struct, frozen=True):
    """An order that kept more money than it costs, or an instalment charged more than once."""

    order_id: uuid.UUID
    total_cents: int
    charged_cents: int
    refunded_cents: int
    most_charges_per_instalment: int


class RedisDrift(msgspec.Struct, frozen=True):
    """One group whose Redis counts differ from Postgres; pairs are (expected, in Redis).

    A capacity of -1 means absent. `paid` expects Postgres' paid places less those `in_flight`;
    `held` compares Redis' counter with the sum of the holds Redis stores.
    """

    group_id: int
    program_id: int
    capacity: tuple[int, int]
    paid: tuple[int, int]
    held: tuple[int, int]
    in_flight: int


class HoldBreach(msgspec.Struct, frozen=True):
    """A stored hold that outlives what the engine allows, or that no purge can reach."""

    program_id: int
    hold_id: str
    reason: HoldBreachReason
    expires_at_ms: int
    latest_ms: int
    redis_now_ms: int


class SaleFairness(msgspec.Struct, frozen=True):
    sale_id: int
    fair: bool
    draw_recomputes: bool
    admitted_in_ticket_order: bool
    prequeue_first_in_draw_order: bool
    admissions: int


class AuditCounts(msgspec.Struct, frozen=True):
    sales_opened: int
    programs: int
    groups: int
    paid_places: int
    orders: int
    payments: int
    """Payments that succeeded at least once."""
    live_holds: int
    in_flight_holds: int
    expired_unpurged_holds: int
    """Expired holds still stored, waiting for the next script or sweep to purge them: harmless."""


class AuditReport(msgspec.Struct, frozen=True):
    sale_id: int | None
    redis_now_ms: int
    max_hold_lifetime_ms: int
    counts: AuditCounts
    oversold_groups: list[OversoldGroup]
    lost: list[LostPayment]
    double_charges: list[DoubleCharge]
    drifts: list[RedisDrift]
    hold_breaches: list[HoldBreach]
    fairness: list[SaleFairness]
    rejected: list[RejectedWebhook]
    """Provider events that did not match what Rush asked: they changed nothing, so they leave
    the audit clean, but each is listed for a person to look at."""

    @property
    def oversold(self) -> int:
        return len(self.oversold_groups)

    @property
    def oversold_places(self) -> int:
        return sum(g.over for g in self.oversold_groups)

    @property
    def lost_payments(self) -> int:
        return len(self.lost)

    @property
    def double_charged(self) -> int:
        return len(self.double_charges)

    @property
    def drift(self) -> list[int]:
        """Ids of the groups whose Redis counts differ from Postgres."""
        return [d.group_id for d in self.drifts]

    @property
    def fairness_ok(self) -> bool:
        return all(sale.fair for sale in self.fairness)

    @property
    def clean(self) -> bool:
        return not (
            self.oversold_groups
            or self.lost
            or self.double_charges
            or self.drifts
            or self.hold_breaches
            or not self.fairness_ok
        )

    def summary(self) -> dict[str, Any]:
        """The verdict and the counts, flat, for a last JSON line."""
        return {
            "clean": self.clean,
            "sale_id": self.sale_id,
            "oversold": self.oversold,
            "oversold_places": self.oversold_places,
            "lost_payments": self.lost_payments,
            "double_charged": self.double_charged,
            "drift": self.drift,
            "holds_over_lifetime": len(self.hold_breaches),
            "fairness_ok": self.fairness_ok,
            "rejected_webhooks": len(self.rejected),
            **msgspec.structs.asdict(self.counts),
        }


@dataclass(frozen=True, slots=True)
class _PostgresState:
    groups: list[asyncpg.Record]
    paid_holds: set[tuple[int, str]]
    payments: list[asyncpg.Record]
    orders: int
    rejected: list[RejectedWebhook]


async def run_audit(
    pool: asyncpg.Pool, redis: EngineRedis, settings: Settings, sale_id: int | None = None
) -> AuditReport:
    """Audit one sale, or every sale when `sale_id` is None; reads only."""
    program_ids = [r["id"] for r in await pool.fetch(query("audit_programs"), sale_id)]
    engine = await read_engine_state(redis, program_ids)
    postgres = await _read_postgres(pool, sale_id)
    fairness = [await _sale_fairness(pool, sid) for sid in await _opened_sales(pool, sale_id)]
    redis_now_ms = await server_time_ms(redis)
    payments = postgres.payments
    return AuditReport(
        sale_id=sale_id,
        redis_now_ms=redis_now_ms,
        max_hold_lifetime_ms=settings.hold_max_lifetime_ms,
        counts=AuditCounts(
            sales_opened=len(fairness),
            programs=len(program_ids),
            groups=len(postgres.groups),
            paid_places=sum(g["paid"] for g in postgres.groups),
            orders=postgres.orders,
            payments=sum(1 for p in payments if _charged_cents(p) > 0),
            live_holds=sum(1 for h in engine.holds if h.live),
            in_flight_holds=len(_in_flight(engine.holds, postgres.paid_holds)),
            expired_unpurged_holds=sum(1 for h in engine.holds if not h.live),
        ),
        oversold_groups=_find_oversold(postgres.groups),
        lost=_find_lost_payments(payments),
        double_charges=_find_double_charges(payments),
        drifts=_find_drifts(postgres.groups, engine, postgres.paid_holds),
        hold_breaches=_find_hold_breaches(engine.holds, settings.hold_max_lifetime_ms),
        fairness=fairness,
        rejected=postgres.rejected,
    )


async def audit_servers(settings: Settings, sale_id: int | None = None) -> AuditReport:
    """Audit the servers `settings` points at, with connections of its own."""
    pool = await create_pool(
        settings.database_url, min_size=1, max_size=2, pooler=settings.database_pooler
    )
    redis = open_engine_redis(settings.redis_url, max_connections=8)
    try:
        return await run_audit(pool, redis, settings, sale_id)
    finally:
        await redis.aclose()
        await pool.close()


async def _read_postgres(pool: asyncpg.Pool, sale_id: int | None) -> _PostgresState:
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        # One snapshot: paid places, paid holds and payments describe the same instant.
        groups = await conn.fetch(query("audit_groups"), sale_id)
        paid_holds = {
            (r["program_id"], r["hold_id"])
            for r in await conn.fetch(query("audit_paid_holds"), sale_id)
        }
        payments = await conn.fetch(query("audit_payments"), sale_id)
        orders: int = await conn.fetchval(query("audit_order_count"), sale_id)
        rejected = await rejected_webhooks(conn, sale_id)
    return _PostgresState(groups, paid_holds, payments, orders, rejected)


def _find_oversold(groups: Iterable[asyncpg.Record]) -> list[OversoldGroup]:
    """Groups with more active registrations than places."""
    return [
        OversoldGroup(g["group_id"], g["program_id"], g["capacity"], g["paid"])
        for g in groups
        if g["paid"] > g["capacity"]
    ]


def _charged_cents(payment: asyncpg.Record) -> int:
    # What the provider says is the evidence; a payment marked succeeded without it still counts.
    if payment["charges"]:
        return int(payment["provider_charged_cents"])
    return payment["amount_cents"] if payment["status"] in ("succeeded", "refunded") else 0


def _refunded_cents(payment: asyncpg.Record) -> int:
    marked = payment["amount_cents"] if payment["status"] == "refunded" else 0
    return max(int(payment["provider_refunded_cents"]), marked)


def _find_lost_payments(payments: Iterable[asyncpg.Record]) -> list[LostPayment]:
    """Succeeded payments that bought no registration and were not given back in full."""
    lost = []
    for p in payments:
        charged, refunded = _charged_cents(p), _refunded_cents(p)
        if charged > 0 and not p["registered"] and refunded < charged:
            lost.append(
                LostPayment(
                    p["payment_id"],
                    p["order_id"],
                    p["instalment"],
                    p["order_status"],
                    charged,
                    refunded,
                )
            )
    return lost


def _find_double_charges(payments: Iterable[asyncpg.Record]) -> list[DoubleCharge]:
    """Orders where money kept exceeds what is owed, per instalment or in total."""
    by_order: dict[uuid.UUID, list[asyncpg.Record]] = {}
    for p in payments:
        by_order.setdefault(p["order_id"], []).append(p)
    found = []
    for order_id, rows in by_order.items():
        charged = sum(_charged_cents(p) for p in rows)
        refunded = sum(_refunded_cents(p) for p in rows)
        over_instalment = any(
            _charged_cents(p) - _refunded_cents(p) > p["amount_cents"] for p in rows
        )
        if over_instalment or charged - refunded > rows[0]["total_cents"]:
            most = max(p["charges"] for p in rows)
            found.append(DoubleCharge(order_id, rows[0]["total_cents"], charged, refunded, most))
    return found


def _in_flight(holds: Iterable[StoredHold], paid_holds: set[tuple[int, str]]) -> list[StoredHold]:
    """Holds Redis still stores that Postgres already records as paid: confirms to come."""
    return [h for h in holds if (h.program_id, h.hold_id) in paid_holds]


def _find_drifts(
    groups: Iterable[asyncpg.Record], engine: EngineState, paid_holds: set[tuple[int, str]]
) -> list[RedisDrift]:
    """Groups whose Redis capacity, paid or held counts disagree with Postgres or themselves."""
    in_flight: Counter[int] = Counter()
    for hold in _in_flight(engine.holds, paid_holds):
        in_flight.update(hold.items)
    drifts = []
    known = set()
    for g in groups:
        group_id = g["group_id"]
        known.add(group_id)
        redis = engine.groups.get(group_id, StoredGroup(g["program_id"], -1, 0, 0, 0))
        drift = RedisDrift(
            group_id,
            g["program_id"],
            (g["capacity"], redis.capacity),
            (g["paid"] - in_flight[group_id], redis.paid),
            (redis.held_in_holds, redis.held),
            in_flight[group_id],
        )
        if _differs(drift):
            drifts.append(drift)
    for group_id, redis in engine.groups.items():
        if group_id not in known:
            # A group Redis knows in an audited program but Postgres does not.
            drifts.append(
                RedisDrift(
                    group_id,
                    redis.program_id,
                    (-1, redis.capacity),
                    (0, redis.paid),
                    (redis.held_in_holds, redis.held),
                    0,
                )
            )
    return drifts


def _differs(drift: RedisDrift) -> bool:
    return any(expected != found for expected, found in (drift.capacity, drift.paid, drift.held))


def _find_hold_breaches(holds: Iterable[StoredHold], max_lifetime_ms: int) -> list[HoldBreach]:
    """Stored holds that break the lifetime rule, by the Redis clock.

    The engine records each hold's latest expiry (its creation plus its lifetime), not its
    creation. A hold is over the lifetime when it would still be live more than
    `max_lifetime_ms` from now, which no hold granted within that lifetime can be, or when it
    is live past its own latest expiry. A hold missing from the expiry index is never purged.
    """
    breaches = []
    for h in holds:
        reason: HoldBreachReason | None = None
        if h.indexed_ms != h.expires_at_ms:
            reason = "not_indexed"
        elif h.live and h.expires_at_ms > h.latest_ms:
            reason = "outlived_latest"
        elif h.live and max(h.expires_at_ms, h.latest_ms) - h.redis_now_ms > max_lifetime_ms:
            reason = "over_lifetime"
        if reason is not None:
            breaches.append(
                HoldBreach(
                    h.program_id, h.hold_id, reason, h.expires_at_ms, h.latest_ms, h.redis_now_ms
                )
            )
    return breaches


async def _opened_sales(pool: asyncpg.Pool, sale_id: int | None) -> list[int]:
    return [r["id"] for r in await pool.fetch(query("audit_opened_sales"), sale_id)]


async def _sale_fairness(pool: asyncpg.Pool, sale_id: int) -> SaleFairness:
    report = await fairness_report(pool, sale_id)
    return SaleFairness(
        sale_id=sale_id,
        fair=report.fair,
        draw_recomputes=report.draw_recomputes,
        admitted_in_ticket_order=report.admitted_in_ticket_order,
        prequeue_first_in_draw_order=report.prequeue_first_in_draw_order,
        admissions=len(report.admissions),
    )
