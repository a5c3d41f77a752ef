"""The engine benchmark runs end to end and its audit finds what it must; no timing asserted."""

from __future__ import annotations

import json
import subprocess

import pytest

from loadtests.bench_processes import bin_path
from rush.dev.bench.engine import run_engine_bench
from rush.dev.servers import ServerUrls


@pytest.mark.slow
async def test_engine_bench_prints_its_figures_and_a_clean_audit(
    migrated: ServerUrls, clean: None, capsys: pytest.CaptureFixture[str]
) -> None:
    report = await run_engine_bench(migrated.database_url, migrated.redis_url, 0.5, 8)

    last_line = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last_line) == report
    for key in (
        "holds_per_s",
        "baseline_pg_holds_per_s",
        "ratio",
        "p99_ms",
        "oversold",
        "holds_checked",
    ):
        assert key in report
    assert report["oversold"] == 0
    assert report["sellout_exact"] is True
    assert isinstance(report["holds_checked"], int)
    assert report["holds_checked"] > 0


@pytest.mark.slow
def test_the_cluster_bench_holds_on_a_plain_server_and_on_1_and_3_shards() -> None:
    """`rush bench engine --cluster`, as an operator runs it, on one client process."""
    argv = ["bench", "engine", "--cluster", "--seconds", "0.5", "--concurrency", "4"]
    done = subprocess.run(
        [bin_path("rush"), *argv, "--client-processes", "1"],
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    runs = {(run["shards"], run["client_processes"]): run for run in report["cluster"]}
    assert set(runs) == {(0, 1), (1, 1), (3, 1)}
    assert all(run["holds"] > 0 and run["errors"] == 0 for run in runs.values())
    assert runs[(3, 1)]["programs_per_shard"][0] > 0, "a shard got no program"
    assert all(run["server_cpu_us_per_hold"] > 0 for run in runs.values())
    assert report["holds_per_valkey_core_s"] > 0
    assert "best 3 shards / best 1 shard" in done.stdout
