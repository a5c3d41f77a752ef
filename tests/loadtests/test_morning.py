"""The run's settings and clock: where the opening falls, how fast trace time passes, who plays
which family."""

from __future__ import annotations

from pathlib import Path

import pytest

from loadtests.morning import MorningClock, MorningSettings, RunState
from loadtests.traces import generate_trace, main, read_trace, write_trace
from rush.config import Settings
from tests.loadtests.test_traces import summer_catalogue
from tests.support.catalogue_factory import CatalogueFactory


@pytest.fixture
def trace_file(tmp_path: Path) -> Path:
    path = tmp_path / "trace.jsonl"
    write_trace(generate_trace(summer_catalogue(), 30, 1.5, 0.7, 0.1, 0.1, 4), path)
    return path


@pytest.fixture
async def catalogue_in_postgres(catalogue: CatalogueFactory, clean: None) -> int:
    sale_id = await catalogue.sale(status="scheduled")
    await catalogue.program([10, 10], sale_id=sale_id, ages=(5, 12), daycare_capacities=[5])
    return sale_id


def test_trace_seconds_pass_speed_times_faster_than_real_ones() -> None:
    clock = MorningClock(opening_wall=1_000.0, speed=10.0)
    assert clock.wall(-600.0) == 940.0
    assert clock.wall(0.0) == 1_000.0
    assert clock.trace(1_003.0) == pytest.approx(30.0)


def test_by_default_the_opening_leaves_the_earliest_family_a_few_seconds_in() -> None:
    settings = MorningSettings(speed=10.0)
    clock = MorningClock.starting(settings, started_at=500.0, first_arrival_s=-1200.0)
    assert clock.wall(-1200.0) == pytest.approx(505.0)
    fixed = MorningSettings(speed=10.0, opening_at=2_000.0)
    assert MorningClock.starting(fixed, 500.0, -1200.0).opening_wall == 2_000.0
    relative = MorningSettings(opening_at_s=30.0)
    assert MorningClock.starting(relative, 500.0, -1200.0).opening_wall == 530.0


def test_settings_are_read_from_the_environment(trace_file: Path) -> None:
    settings = MorningSettings.from_env(
        {
            "RUSH_TRACE": str(trace_file),
            "RUSH_REPLAY_SPEED": "20",
            "RUSH_FAMILIES": "12",
            "RUSH_LOCUST_WORKERS": "3",
            "RUSH_ADMIN_EMAIL": "admin@ville.qc.ca",
        }
    )
    assert settings.speed == 20.0
    assert settings.sale() == 1
    assert len(settings.arrivals()) == 12
    assert settings.admin_email == "admin@ville.qc.ca"
    with pytest.raises(ValueError, match="SPEED"):
        MorningSettings.from_env({"RUSH_REPLAY_SPEED": "-1"})


def test_locust_workers_share_the_families_without_overlap(trace_file: Path) -> None:
    settings = MorningSettings(trace=trace_file, workers=3)
    shares = [[p.key for p in settings.plans(i)] for i in range(3)]
    everyone = [p.key for p in MorningSettings(trace=trace_file).plans(0)]
    assert sorted(k for share in shares for k in share) == sorted(everyone)
    assert [len(share) for share in shares] == [10, 10, 10]
    assert shares[1] == everyone[1::3]


def test_a_run_hands_each_family_out_once_then_nothing(trace_file: Path) -> None:
    run = RunState.start(MorningSettings(trace=trace_file, families=4), started_at=100.0)
    plans = [run.next_plan(0) for _ in range(5)]
    assert [p is None for p in plans] == [False] * 4 + [True]
    assert run.handed_out == 4
    assert run.arrivals == sorted(run.arrivals)


def test_the_command_line_summarises_a_trace(
    trace_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["show", str(trace_file)])
    assert "sale 1, seed 4: 30 families" in capsys.readouterr().out


def test_the_command_line_generates_a_trace_from_a_sale_in_postgres_and_seeds_it(
    settings: Settings,
    catalogue_in_postgres: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("REDIS_URL", settings.redis_url)
    out = tmp_path / "cli.jsonl"
    main(["generate", "--sale", str(catalogue_in_postgres), "--families", "12", "-o", str(out)])
    main(["seed", str(out)])
    printed = capsys.readouterr().out
    assert f"sale {catalogue_in_postgres}, seed 1: 12 families" in printed
    assert "seeded 12 families" in printed
    assert len(read_trace(out).families) == 12
