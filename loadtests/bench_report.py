"""The human part of the rush benchmark's output: tables of rates, latencies, CPU and audit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from loadtests.bench_stats import EndpointStats
from rush.ops.audit import AuditReport

__all__ = ["print_report"]


class _Phase(Protocol):
    wall_s: float
    cpu_s: dict[str, float]
    stats: dict[str, EndpointStats]


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(c) for c in headers], *[[_cell(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        pairs = enumerate(zip(row, widths, strict=True))
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in pairs))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _endpoint_rows(phase: _Phase, only: str | None = None) -> list[list[object]]:
    return [
        [
            s.name,
            s.count,
            s.failures,
            s.rps,
            s.p50_ms,
            s.p99_ms,
            " ".join(f"{code}:{n}" for code, n in s.statuses.items()),
        ]
        for s in phase.stats.values()
        if only is None or s.name == only
    ]


def _cpu(phase: _Phase) -> str:
    cores = {role: used / max(phase.wall_s, 1e-3) for role, used in sorted(phase.cpu_s.items())}
    return ", ".join(f"{role} {used:.2f}" for role, used in cores.items())


def print_report(
    *,
    options: Any,
    rush: _Phase,
    ceilings: Mapping[str, _Phase],
    outcome: Mapping[str, Any],
    lags: Mapping[str, Any],
    audit: AuditReport,
    summary: Mapping[str, Any],
) -> None:
    headers = ["endpoint", "requests", "failures", "req/s", "p50 ms", "p99 ms", "statuses"]
    print(
        f"\nRush phase: {options.families} families, {options.web_processes} web processes, "
        f"{options.workers} workers, speed {options.speed}x, seed {options.seed}, "
        f"{rush.wall_s:.1f} s (req/s over the whole phase)"
    )
    print(_table(headers, _endpoint_rows(rush)))
    print(f"holds/s from the first hold to the last: {summary['rush_hold_rps']:,.1f}")
    print(
        f"families cut short by the end of the run (counted as errors): "
        f"{summary['unfinished_families']:,}"
    )
    print(
        f"admitted families' holds: p50 {_ms(summary['hold_admitted_p50_ms'])}, "
        f"p99 {_ms(summary['hold_admitted_p99_ms'])}; families in line, status polls: "
        f"p50 {_ms(summary['status_in_line_p50_ms'])}, p99 {_ms(summary['status_in_line_p99_ms'])}"
    )
    print(
        "locust's own loop lag (a response it reads late counts in the latencies above): "
        f"p50 {_ms(summary.get('generator_lag_p50_ms'))}, "
        f"p99 {_ms(summary.get('generator_lag_p99_ms'))}, "
        f"max {_ms(summary.get('generator_lag_max_ms'))}; "
        f"p99 while admitted families held {_ms(summary.get('generator_lag_during_holds_p99_ms'))}"
    )
    print(_sockets_sentence(summary))
    print(_server_sentence(summary.get("server_times") or {}))
    if summary.get("purchase_pool_server_times") is not None:
        print(_server_sentence(summary["purchase_pool_server_times"], "of which the purchase pool"))
    print(_pace_sentence(summary))
    if summary.get("self_pace_log"):
        print("rate changes (s from opening: before -> after, hold p99): " + _pace_log(summary))
    print(f"cores used (CPU s / wall s): {_cpu(rush)}")
    print(
        f"\nCeiling phases: {summary['ceiling_users']} closed-loop users each, no think time, "
        f"{summary['ceiling_holders']} families holding (req/s over the steady window)"
    )
    rows = [row for name, phase in ceilings.items() for row in _endpoint_rows(phase, name)]
    print(_table(headers, rows))
    for name, phase in ceilings.items():
        print(f"cores used, {name} phase: {_cpu(phase)}")
    print(
        f"ratio to trivial: hold {summary['ratio_to_trivial']}, "
        f"status {summary['status_ratio_to_trivial']}"
    )
    print(
        f"\nOrders: {outcome.get('paid_orders', 0)} paid, "
        f"{outcome.get('refunded_orders', 0)} refunded after a conflict; "
        f"{outcome.get('registrations', 0)} places registered of {outcome.get('capacity', 0)}"
    )
    print(
        f"Webhook recorded -> registration written: {lags.get('orders', 0)} orders, "
        f"p50 {_ms(lags.get('p50_ms'))}, p99 {_ms(lags.get('p99_ms'))}, "
        f"max {_ms(lags.get('max_ms'))}"
        + ("" if summary["finalize_drained"] else "  (finalize had NOT drained at the timeout)")
    )
    cost = summary["cost"]
    print(
        f"\nCost per family: web {_ms(cost['web_cpu_ms_per_family'])} of CPU "
        f"({cost['requests_per_family']} requests, {_ms(cost['web_cpu_ms_per_request'])} each), "
        f"Postgres {_ms(cost['postgres_cpu_ms_per_family'])}, "
        f"Valkey {_ms(cost['valkey_cpu_ms_per_family'])}, "
        f"workers {_ms(cost['worker_cpu_ms_per_family'])}; "
        f"one web core serves {cost['families_per_web_core_s']} families a second of its CPU"
    )
    kinds = cost["web_cpu_ms_per_request_by_kind"]
    print(
        "web CPU per request, by kind (ceiling phases): "
        + ", ".join(f"{kind} {_ms(value)}" for kind, value in kinds.items())
    )
    print(f"opening to last admission: {summary['opening_to_last_admission_s']} s")
    print("\nAudit")
    print(_table(["check", "value"], [[k, v] for k, v in audit.summary().items()]))
    print()


def _pace_sentence(summary: Mapping[str, Any]) -> str:
    """How the sale was paced: the fixed rate, or where self-pacing started, why, and where it
    ended."""
    pace = summary.get("start_pace")
    if not pace:
        return f"pace: fixed, {summary['start_rate_per_min']:,} families a minute"
    cost = pace["web_cpu_ms_per_admitted_family"]
    derived = (
        f"{pace['cores']} web cores (of {pace['cores_available']}) x "
        f"{pace['utilisation']:.0%} x 60,000 ms / {cost:,.1f} ms "
        f"an admitted family ({pace['admitted_family_in_holds']} holds of "
        f"{pace['web_cpu_ms_per_hold']:.2f} ms, the web CPU of a hold over "
        f"{pace['holds_measured']:,} calibration holds; a whole family cost "
        f"{summary['family_cost_in_holds']} holds)"
        if cost
        else "no hold measured, so the ceiling"
    )
    return (
        f"pace: self-pacing from {pace['rate_per_min']:,} families a minute = {derived}; "
        f"within {summary['self_pacing_floor_per_min']:,}.."
        f"{summary['self_pacing_ceiling_per_min']:,} a minute, "
        f"hold p99 target {summary['target_hold_p99_ms']} ms; "
        f"{summary['self_pace_changes']} changes, ended at {summary['rate_per_min_end']:,}"
    )


def _pace_log(summary: Mapping[str, Any]) -> str:
    return ", ".join(
        f"{c['at_s']:.0f} s: {c['rate_before']:,} -> {c['rate_after']:,} ({_ms(c['hold_p99_ms'])})"
        for c in summary["self_pace_log"]
    )


def _ms(value: object) -> str:
    if value is None:
        return "-"
    number = float(value)  # type: ignore[arg-type]
    return f"{number:,.0f} ms" if number >= 10 else f"{number:.2f} ms"


def _sockets_sentence(summary: Mapping[str, Any]) -> str:
    """What waited in the kernel: connections not yet accepted, and connections opened."""
    queues = summary.get("accept_queue") or {}
    parts = [f"{pool} max {q['max']:,}, mean {q['mean']:,}" for pool, q in queues.items()]
    opened = summary.get("tcp_connections_opened")
    return (
        "connections waiting to be accepted (each second): "
        + ("; ".join(parts) if parts else "not read")
        + (
            f"; TCP connections opened on the machine: {opened:,} "
            f"({summary.get('tcp_connections_per_family')} per family)"
            if opened is not None
            else ""
        )
    )


def _server_sentence(
    server_times: Mapping[str, Mapping[str, float | None]],
    pools: str = "web processes' own time",
) -> str:
    """The web processes' own time (bucket bounds): the rest of what locust saw is queueing."""
    parts = [
        f"{name} ({figures['count']:,.0f}) p50 <= {_ms(figures['p50_ms_at_most'])}, "
        f"p99 <= {_ms(figures['p99_ms_at_most'])}"
        for name, figures in server_times.items()
        if figures.get("count")
    ]
    return f"{pools}: " + ("; ".join(parts) if parts else "not read")
