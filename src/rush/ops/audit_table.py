"""An audit report as people read it (a table of check, result, details) and as scripts read it
(a last line of JSON), like every Rush command that reports figures."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import msgspec

from rush.ops.audit import (
    AuditReport,
    DoubleCharge,
    HoldBreach,
    LostPayment,
    OversoldGroup,
    RedisDrift,
    RejectedWebhook,
    SaleFairness,
)

__all__ = ["audit_lines"]

T = TypeVar("T")
_SHOWN = 5
"""Offenders listed per check; the rest are counted, the JSON line has every total."""


def audit_lines(report: AuditReport) -> list[str]:
    """The table, then the JSON summary as the very last line."""
    rows = [
        ("check", "result", "details"),
        *_check("oversold", _oversold_ok(report), report.oversold_groups, _oversold),
        *_check("lost_payments", _lost_ok(report), report.lost, _lost),
        *_check("double_charged", _charges_ok(report), report.double_charges, _double),
        *_check("drift", _drift_ok(report), report.drifts, _drift),
        *_check("hold_lifetime", _holds_ok(report), report.hold_breaches, _breach),
        *_check(
            "fairness", _fairness_ok(report), [s for s in report.fairness if not s.fair], _unfair
        ),
        *_check(
            "rejected_webhooks",
            "no provider event rejected",
            report.rejected,
            _rejected,
            flagged="LOOK",
        ),
    ]
    widths = [max(len(row[n]) for row in rows) for n in range(2)]
    table = [f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}".rstrip() for row in rows]
    verdict = "audit: clean" if report.clean else "audit: PROBLEMS FOUND"
    if report.rejected:
        verdict += f" ({len(report.rejected)} rejected provider event(s) to look at)"
    return [*table, verdict, msgspec.json.encode(report.summary()).decode()]


def _check(
    name: str,
    when_ok: str,
    offenders: Sequence[T],
    describe: Callable[[T], str],
    flagged: str = "FAIL",
) -> list[tuple[str, str, str]]:
    """Rows of one check; `flagged` is its result when it has offenders."""
    if not offenders:
        return [(name, "ok", when_ok)]
    details = [describe(o) for o in offenders[:_SHOWN]]
    if len(offenders) > _SHOWN:
        details.append(f"... and {len(offenders) - _SHOWN} more")
    return [(name, flagged, details[0]), *[("", "", d) for d in details[1:]]]


def _oversold_ok(report: AuditReport) -> str:
    c = report.counts
    return f"{c.paid_places} paid places in {c.groups} groups, none over capacity"


def _oversold(group: OversoldGroup) -> str:
    return (
        f"group {group.group_id} (program {group.program_id}): "
        f"{group.paid} paid for {group.capacity} places, {group.over} over"
    )


def _lost_ok(report: AuditReport) -> str:
    c = report.counts
    return f"{c.payments} succeeded payment(s), {c.orders} order(s): all registered or refunded"


def _lost(payment: LostPayment) -> str:
    return (
        f"order {payment.order_id} instalment {payment.instalment} ({payment.order_status}): "
        f"{payment.charged_cents} cents charged, {payment.refunded_cents} refunded, "
        "no registration"
    )


def _charges_ok(report: AuditReport) -> str:
    return "no order or instalment charged more than it costs"


def _double(charge: DoubleCharge) -> str:
    return (
        f"order {charge.order_id}: {charge.charged_cents} cents charged, "
        f"{charge.refunded_cents} refunded, for {charge.total_cents} "
        f"(up to {charge.most_charges_per_instalment} charges on one instalment)"
    )


def _drift_ok(report: AuditReport) -> str:
    c = report.counts
    return (
        f"Redis matches Postgres in {c.groups} groups "
        f"({c.in_flight_holds} paid holds awaiting their Redis confirm)"
    )


def _drift(drift: RedisDrift) -> str:
    parts = [
        f"{name} {expected} expected, {found} in Redis"
        for name, (expected, found) in (
            ("capacity", drift.capacity),
            ("paid", drift.paid),
            ("held", drift.held),
        )
        if expected != found
    ]
    return f"group {drift.group_id} (program {drift.program_id}): " + "; ".join(parts)


def _holds_ok(report: AuditReport) -> str:
    return (
        f"{report.counts.live_holds} live holds, none beyond "
        f"{report.max_hold_lifetime_ms // 1000} s"
    )


def _breach(breach: HoldBreach) -> str:
    expires_s = (breach.expires_at_ms - breach.redis_now_ms) / 1000
    latest_s = (breach.latest_ms - breach.redis_now_ms) / 1000
    return (
        f"hold {breach.hold_id} (program {breach.program_id}): {breach.reason}, "
        f"expires in {expires_s:.0f} s, latest in {latest_s:.0f} s"
    )


def _fairness_ok(report: AuditReport) -> str:
    admissions = sum(s.admissions for s in report.fairness)
    return f"{len(report.fairness)} sale(s) opened, {admissions} admission(s) followed the draw"


def _unfair(sale: SaleFairness) -> str:
    failed = [
        name
        for name, ok in (
            ("the draw does not recompute from its seed", sale.draw_recomputes),
            ("admissions out of ticket order", sale.admitted_in_ticket_order),
            ("pre-queue not admitted in draw order", sale.prequeue_first_in_draw_order),
        )
        if not ok
    ]
    return f"sale {sale.sale_id}: " + "; ".join(failed)


def _rejected(event: RejectedWebhook) -> str:
    payment = f"order {event.order_id}" if event.order_id else f"unknown payment {event.payment_id}"
    return (
        f"{event.kind} {event.event_id} ({payment}): {event.reason}, "
        f"{event.amount_cents} cents {event.currency} on {event.payment_ref}"
    )
