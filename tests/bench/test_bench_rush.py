"""`rush bench rush` replays a small morning end to end and its audit finds nothing lost;
no timing is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

RUSH = str(Path(sys.executable).parent / "rush")


@pytest.mark.slow
def test_a_small_rush_ends_audited_clean_with_its_figures_on_the_last_line() -> None:
    # Fifty families at speed 300, admitted within 8 s: the smoke proves the run ends audited
    # with its figures, not how a slow line or a long morning feels. (At the default pace of
    # 30 s, the run waited for the line long after the last family had arrived.)
    morning = ["--families", "50", "--speed", "300", "--admit-seconds", "8"]
    done = subprocess.run(
        [RUSH, "bench", "rush", *morning, "--ceiling-seconds", "2"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["families"] == 50
    assert figures["errors"] == 0
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
