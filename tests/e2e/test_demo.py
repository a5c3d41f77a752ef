"""`rush demo` as a family's browser meets it: a real process on a real port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from loadtests.bench_processes import free_port


def _wait_for_groups(
    url: str, process: subprocess.Popen[str], timeout: float = 90
) -> list[dict[str, object]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"rush demo exited early:\n{process.stdout.read() if process.stdout else ''}"
            )
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code == 200:
                groups: list[dict[str, object]] = response.json()
                return groups
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail("rush demo did not answer /api/v1/groups in time")


@pytest.mark.slow
def test_demo_serves_the_seeded_season_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    rush = Path(sys.executable).parent / "rush"
    process = subprocess.Popen(
        [str(rush), "demo", "--data-dir", str(tmp_path / "data"), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        groups = _wait_for_groups(f"http://127.0.0.1:{port}/api/v1/groups", process)
        kinds = {g["program_kind"] for g in groups}
        assert kinds == {"day_camp", "swimming", "sport", "free_activity"}
        camp = [g for g in groups if g["program_kind"] == "day_camp"]
        weeks = [g for g in camp if g["daycare_for_group_id"] is None]
        daycare = [g for g in camp if g["daycare_for_group_id"] is not None]
        assert [g["week_number"] for g in weeks] == list(range(1, 9))
        assert {g["daycare_for_group_id"] for g in daycare} == {g["id"] for g in weeks}
        assert all(g["places_left"] == g["capacity"] for g in groups)
        assert any(g["price_cents"] == 0 for g in groups)
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert f"http://127.0.0.1:{port}/api/v1/groups" in output
    assert "Rush demo stopped" in output
    assert str(tmp_path / "data" / "mail") in output
