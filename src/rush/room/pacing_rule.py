"""The self-pacing rule: how a sale's admission rate follows its measured load.

Slow up, fast down, in the spirit of TCP's AIMD: when hold latency or finalize lag goes over
its target the rate drops by 30 % at once; when every signal is comfortably under its target
the rate climbs by 10 %; in between, or without any signal, it stays. Right after a drop,
readings still show the old rate's load, so they cannot drop it again until they have had time
to reflect the new one. A pure function, so its promises are checked with property tests.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["COMFORT", "PacingSignals", "PacingTargets", "next_rate"]

COMFORT = 0.6
"""A signal under this share of its target leaves room to admit more families."""


@dataclass(frozen=True, slots=True)
class PacingTargets:
    hold_p99_ms: int
    finalize_lag_ms: int
    floor_per_min: int
    ceiling_per_min: int


@dataclass(frozen=True, slots=True)
class PacingSignals:
    """What was measured; None when there was nothing to measure (no holds, no payments)."""

    hold_p99_ms: int | None
    finalize_lag_ms: int | None
    recently_lowered: bool = False
    """The rate was lowered within the cooldown: readings over target do not lower it again."""


def _readings(signals: PacingSignals, targets: PacingTargets) -> list[tuple[int, int]]:
    pairs = [
        (signals.hold_p99_ms, targets.hold_p99_ms),
        (signals.finalize_lag_ms, targets.finalize_lag_ms),
    ]
    return [(value, target) for value, target in pairs if value is not None]


def next_rate(rate_per_min: int, signals: PacingSignals, targets: PacingTargets) -> int:
    """The admission rate to set now, always within the targets' floor and ceiling.

    A rate outside the bounds is first brought inside them: the bounds are the admin's word.
    """
    rate = min(max(rate_per_min, targets.floor_per_min), targets.ceiling_per_min)
    readings = _readings(signals, targets)
    if not readings:
        return rate
    if any(value > target for value, target in readings):
        return rate if signals.recently_lowered else max(targets.floor_per_min, rate * 7 // 10)
    if all(value < COMFORT * target for value, target in readings):
        return min(targets.ceiling_per_min, rate + max(1, rate // 10))
    return rate
