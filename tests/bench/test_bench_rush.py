"""`rush bench rush` replays a small morning end to end and its audit finds nothing lost;
no timing is asserted."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

RUSH = str(Path(sys.executable).parent / "rush")


def bench_rush(*options: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """`rush bench rush` with these options, which must succeed: its output and its figures."""
    done = subprocess.run(
        [RUSH, "bench", "rush", *options], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done, json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_a_small_rush_ends_audited_clean_with_its_figures_on_the_last_line() -> None:
    # Fifty families at speed 300, admitted within 8 s: the smoke proves the run ends audited
    # with its figures, not how a slow line or a long morning feels. (At the default pace of
    # 30 s, the run waited for the line long after the last family had arrived.)
    done, figures = bench_rush(
        "--families", "50", "--speed", "300", "--admit-seconds", "8", "--ceiling-seconds", "2"
    )

    assert figures["families"] == 50
    assert figures["errors"] == 0
    assert figures["unfinished_families"] == 0  # counted in errors when not
    assert "families cut short by the end of the run (counted as errors): 0" in done.stdout
    assert figures["oversold"] == 0
    assert figures["lost_payments"] == 0
    assert figures["double_charged"] == 0
    assert figures["fairness_ok"] is True
    assert figures["holds"] > 0
    assert figures["trivial_rps"] > 0
    assert figures["status_rps"] > 0
    assert figures["hold_rps"] > 0
    assert figures["ceiling_holders"] == figures["ceiling_users"], "one cart per hold user"
    cost = figures["cost"]
    assert cost["web_cpu_ms_per_family"] > 0
    assert cost["postgres_cpu_ms_per_family"] > 0
    assert cost["valkey_cpu_ms_per_family"] > 0
    assert cost["requests_per_family"] > 1
    assert set(cost["web_cpu_ms_per_request_by_kind"]) == {"ping", "status", "hold"}
    assert all(ms > 0 for ms in cost["web_cpu_ms_per_request_by_kind"].values())
    assert figures["opening_to_last_admission_s"] is not None
    assert "Cost per family: web" in done.stdout
    # Admitted families' holds apart from the polls of families still in line.
    assert figures["hold_admitted_p99_ms"] == figures["hold_p99_ms"] > 0
    assert figures["hold_admitted_p50_ms"] > 0
    assert figures["status_in_line_p99_ms"] == figures["status_p99_ms"] > 0
    assert figures["status_in_line_p50_ms"] > 0
    assert "admitted families' holds: p50" in done.stdout
    served = figures["server_times"]  # every web process's own histograms, read over HTTP
    assert served["login"]["count"] == figures["families"]  # over both web processes
    assert served["hold"]["count"] + served["cart items"]["count"] >= figures["holds"]
    assert served["status"]["count"] > 0
    assert 0 < served["hold"]["p50_ms_at_most"] <= served["hold"]["p99_ms_at_most"]
    assert "web processes' own time: hold (" in done.stdout
    assert served["event loop lag"]["count"] > 0  # the probe's readings, 20 a second
    # The load generator's own loop lag, sampled ten times a second through the rush.
    assert 0 <= figures["generator_lag_p50_ms"] <= figures["generator_lag_p99_ms"]
    assert figures["generator_lag_p99_ms"] <= figures["generator_lag_max_ms"]
    assert figures["generator_lag_during_holds_p99_ms"] is not None
    assert "locust's own loop lag" in done.stdout
    # What waited in the kernel: each pool's accept queue, and the connections opened.
    assert figures["tcp_connections_opened"] >= figures["families"]  # one at least per family
    if shutil.which("ss"):
        assert figures["accept_queue"]["web"]["max"] >= 0
    assert "connections waiting to be accepted" in done.stdout
    # Self-pacing on by default, from a start derived from the calibration's cost of a hold,
    # never above the fixed pace (50 families in 8 s: 375 a minute).
    assert figures["self_pacing"] is True
    pace = figures["start_pace"]
    assert pace["holds_measured"] > 0
    assert pace["web_cpu_ms_per_hold"] > 0
    assert pace["web_cpu_ms_per_admitted_family"] > pace["web_cpu_ms_per_hold"]
    assert 0 < pace["cores"] <= pace["cores_available"]
    assert pace["web_cores_measured"] > 0
    assert figures["start_rate_per_min"] == pace["rate_per_min"]
    assert pace["floor_per_min"] <= pace["rate_per_min"] <= pace["ceiling_per_min"] == 375
    assert figures["self_pacing_ceiling_per_min"] == 375
    assert figures["self_pace_changes"] == len(figures["self_pace_log"])
    assert figures["family_cost_in_holds"] > 1
    assert f"pace: self-pacing from {pace['rate_per_min']:,} families a minute" in done.stdout


@pytest.mark.slow
def test_the_fixed_pace_admits_the_line_at_the_rate_of_admit_seconds() -> None:
    done, figures = bench_rush(
        "--families",
        "30",
        "--speed",
        "300",
        "--admit-seconds",
        "6",
        "--fixed-pace",
        "--ceiling-seconds",
        "1",
    )

    assert figures["self_pacing"] is False
    assert figures["start_pace"] is None
    assert figures["start_rate_per_min"] == figures["rate_per_min_end"] == 300
    assert figures["self_pace_changes"] == 0
    assert figures["errors"] == 0
    assert figures["fairness_ok"] is True
    assert "pace: fixed, 300 families a minute" in done.stdout


@pytest.mark.slow
def test_a_pool_of_its_own_serves_the_purchase_path() -> None:
    # Locust plays a path-routing balancer: cart, checkout, payment and order requests go to
    # the second pool, sign-ins and the waiting room to the first.
    done, figures = bench_rush(
        "--families", "30", "--speed", "300", "--admit-seconds", "6", "--fixed-pace",
        "--ceiling-seconds", "1", "--purchase-processes", "1", "--front-nice", "5",
    )  # fmt: skip

    assert figures["purchase_processes"] == 1
    assert figures["front_nice"] == 5  # read from the kernel
    assert figures["errors"] == 0
    assert figures["oversold"] == figures["lost_payments"] == figures["double_charged"] == 0
    everywhere, purchase_pool = figures["server_times"], figures["purchase_pool_server_times"]
    held = purchase_pool["hold"]["count"] + purchase_pool["cart items"]["count"]
    assert held == everywhere["hold"]["count"] + everywhere["cart items"]["count"] > 0
    assert purchase_pool["login"]["count"] == purchase_pool["status"]["count"] == 0
    assert everywhere["login"]["count"] == figures["families"]
    assert "of which the purchase pool: hold (" in done.stdout
    if shutil.which("ss"):  # each pool's own listening socket
        assert set(figures["accept_queue"]) == {"web", "web-purchase"}
    assert figures["cost"]["web_cpu_ms_per_family"] > 0
