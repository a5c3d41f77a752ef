"""The generator-lag figures read the right samples: all of them, and those while admitted
families held."""

from __future__ import annotations

from loadtests.bench_generator_lag import generator_lag_figures
from loadtests.bench_records import LagSample, RequestRecord


def test_the_lag_while_families_held_reads_only_the_hold_window() -> None:
    lags = [LagSample(float(t), lag) for t, lag in enumerate([1.0, 2.0, 900.0, 3.0, 5000.0])]
    holds = [
        RequestRecord("hold", 1.5, 400.0, True, 200),  # 1.5 .. 1.9 s
        RequestRecord("hold", 2.0, 1500.0, True, 200),  # 2.0 .. 3.5 s
        RequestRecord("login", 4.0, 10.0, True, 200),
    ]

    figures = generator_lag_figures(lags, holds)

    assert figures["generator_lag_max_ms"] == 5000.0
    assert figures["generator_lag_p50_ms"] == 3.0
    assert figures["generator_lag_p99_ms"] == 5000.0
    assert figures["generator_lag_during_holds_p99_ms"] == 900.0  # samples at 2 s and 3 s


def test_no_samples_and_no_holds_give_no_figures() -> None:
    figures = generator_lag_figures([], [])

    assert set(figures.values()) == {None}
