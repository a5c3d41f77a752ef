"""The engine benchmark runs end to end and its audit finds what it must; no timing asserted."""

from __future__ import annotations

import json

import pytest

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
