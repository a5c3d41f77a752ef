"""The self-pacing rule keeps its promises for any rate, reading and target."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rush.room.pacing_rule import COMFORT, PacingSignals, PacingTargets, next_rate

readings = st.none() | st.integers(min_value=0, max_value=600_000)


@st.composite
def targets(draw: st.DrawFn) -> PacingTargets:
    floor = draw(st.integers(min_value=1, max_value=5_000))
    ceiling = draw(st.integers(min_value=floor, max_value=10_000))
    return PacingTargets(
        hold_p99_ms=draw(st.integers(min_value=1, max_value=10_000)),
        finalize_lag_ms=draw(st.integers(min_value=1, max_value=120_000)),
        floor_per_min=floor,
        ceiling_per_min=ceiling,
    )


@st.composite
def in_bounds(draw: st.DrawFn) -> tuple[int, PacingTargets]:
    t = draw(targets())
    return draw(st.integers(min_value=t.floor_per_min, max_value=t.ceiling_per_min)), t


def _exceeded(signals: PacingSignals, t: PacingTargets) -> bool:
    return (signals.hold_p99_ms is not None and signals.hold_p99_ms > t.hold_p99_ms) or (
        signals.finalize_lag_ms is not None and signals.finalize_lag_ms > t.finalize_lag_ms
    )


@given(st.integers(min_value=0, max_value=100_000), readings, readings, targets())
def test_the_rate_never_leaves_the_floor_and_ceiling(
    rate: int, hold: int | None, lag: int | None, t: PacingTargets
) -> None:
    new = next_rate(rate, PacingSignals(hold, lag), t)
    assert t.floor_per_min <= new <= t.ceiling_per_min


@given(in_bounds(), readings, readings)
def test_the_rate_never_rises_while_a_target_is_exceeded(
    rate_and_targets: tuple[int, PacingTargets], hold: int | None, lag: int | None
) -> None:
    rate, t = rate_and_targets
    signals = PacingSignals(hold, lag)
    new = next_rate(rate, signals, t)
    if _exceeded(signals, t):
        assert new <= rate
        if rate > t.floor_per_min:
            assert new < rate


@given(in_bounds(), readings, readings)
def test_right_after_a_drop_stale_readings_never_drop_the_rate_again(
    rate_and_targets: tuple[int, PacingTargets], hold: int | None, lag: int | None
) -> None:
    rate, t = rate_and_targets
    assert next_rate(rate, PacingSignals(hold, lag, recently_lowered=True), t) >= rate


@given(in_bounds())
def test_without_any_signal_the_rate_stays(rate_and_targets: tuple[int, PacingTargets]) -> None:
    rate, t = rate_and_targets
    assert next_rate(rate, PacingSignals(None, None), t) == rate


@given(in_bounds(), st.floats(min_value=0, max_value=0.59), st.floats(min_value=0, max_value=0.59))
def test_comfortably_under_every_target_the_rate_climbs_to_the_ceiling(
    rate_and_targets: tuple[int, PacingTargets], hold_share: float, lag_share: float
) -> None:
    rate, t = rate_and_targets
    signals = PacingSignals(int(t.hold_p99_ms * hold_share), int(t.finalize_lag_ms * lag_share))
    new = next_rate(rate, signals, t)
    assert new == t.ceiling_per_min or new > rate
    assert new <= max(rate + 1, rate * 11 // 10)


@given(in_bounds(), st.floats(min_value=COMFORT, max_value=1.0))
def test_near_the_target_the_rate_holds_steady(
    rate_and_targets: tuple[int, PacingTargets], share: float
) -> None:
    rate, t = rate_and_targets
    signals = PacingSignals(int(t.hold_p99_ms * share + 0.999), None)
    assert next_rate(rate, signals, t) == rate


def test_over_target_the_rate_drops_by_thirty_percent() -> None:
    t = PacingTargets(
        hold_p99_ms=250, finalize_lag_ms=10_000, floor_per_min=10, ceiling_per_min=600
    )
    assert next_rate(200, PacingSignals(hold_p99_ms=100, finalize_lag_ms=20_000), t) == 140
    assert next_rate(12, PacingSignals(hold_p99_ms=900, finalize_lag_ms=None), t) == 10
