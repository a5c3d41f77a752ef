"""The rule of when a web process sheds new arrivals (`rush.load_shedding`): a smoothed
event-loop lag with hysteresis, an optional cap on requests in flight, and a way off."""

from __future__ import annotations

import random

import pytest

from rush.config import load_settings
from rush.load_shedding import (
    MAX_RETRY_SPREAD,
    PROBE_INTERVAL_S,
    Saturation,
    ServersBusy,
    ShedThresholds,
    watch_loop_lag,
)


def fed(saturation: Saturation, *lags_ms: float) -> Saturation:
    for lag in lags_ms:
        saturation.observe_lag(lag)
    return saturation


def test_one_slow_tick_does_not_start_shedding_but_a_lasting_lag_does() -> None:
    saturation = Saturation(ShedThresholds(loop_lag_ms=100))
    assert not fed(saturation, 2, 3, 200, 1).sheds_new_arrivals()
    assert fed(saturation, 200, 200, 200).sheds_new_arrivals()
    assert saturation.smoothed_lag_ms >= 100


def test_shedding_stops_only_once_the_lag_falls_below_half_the_threshold() -> None:
    saturation = fed(Saturation(ShedThresholds(loop_lag_ms=100)), *[300] * 10)
    assert saturation.sheds_new_arrivals()
    assert fed(saturation, *[70] * 20).sheds_new_arrivals()  # between half and the threshold
    assert saturation.smoothed_lag_ms < 100
    assert not fed(saturation, *[10] * 20).sheds_new_arrivals()
    assert not fed(saturation, *[70] * 20).sheds_new_arrivals()  # calm stays calm below 100


def test_a_zero_threshold_sheds_from_the_start_and_never_stops() -> None:
    saturation = Saturation(ShedThresholds(loop_lag_ms=0))
    assert saturation.sheds_new_arrivals()
    assert fed(saturation, 0, 0, 0).sheds_new_arrivals()


def test_shedding_switched_off_sheds_nothing_however_late_the_loop() -> None:
    off = ShedThresholds(enabled=False, loop_lag_ms=0, max_in_flight=1)
    saturation = fed(Saturation(off), 5_000, 5_000)
    saturation.in_flight = 1_000
    assert saturation.lagging
    assert not saturation.sheds_new_arrivals()


def test_too_many_requests_in_flight_shed_new_arrivals_when_capped() -> None:
    saturation = Saturation(ShedThresholds(loop_lag_ms=100, max_in_flight=3))
    saturation.in_flight = 2
    assert not saturation.sheds_new_arrivals()
    saturation.in_flight = 3
    assert saturation.sheds_new_arrivals()
    uncapped = Saturation(ShedThresholds(loop_lag_ms=100, max_in_flight=0))
    uncapped.in_flight = 10_000
    assert not uncapped.sheds_new_arrivals()


def test_each_shed_is_counted_by_door_and_asks_for_between_n_and_2n_seconds() -> None:
    saturation = Saturation(ShedThresholds(retry_after_seconds=5), rng=random.Random(7))
    waits = [saturation.shed("login").retry_after for _ in range(200)]
    saturation.shed("queue_join")
    assert saturation.shed_total == {"login": 200, "queue_join": 1}
    assert min(waits) == 5
    assert max(waits) == 10
    busy = saturation.shed("signup")
    assert isinstance(busy, ServersBusy)
    assert (busy.status, busy.code) == (503, "servers_busy")


def test_thresholds_are_read_from_rush_shed_settings() -> None:
    settings = load_settings(
        {
            "RUSH_SHED_NEW_ARRIVALS": "false",
            "RUSH_SHED_LOOP_LAG_MS": "250",
            "RUSH_SHED_MAX_IN_FLIGHT": "400",
            "RUSH_SHED_RETRY_AFTER_SECONDS": "3",
        }
    )
    assert ShedThresholds.from_settings(settings) == ShedThresholds(
        enabled=False, loop_lag_ms=250, max_in_flight=400, retry_after_seconds=3
    )
    assert ShedThresholds.from_settings(load_settings({})) == ShedThresholds()
    with pytest.raises(ValueError, match="RETRY_AFTER"):
        load_settings({"RUSH_SHED_RETRY_AFTER_SECONDS": "0"})
    with pytest.raises(ValueError, match="negative"):
        load_settings({"RUSH_SHED_LOOP_LAG_MS": "-1"})


class _Enough(Exception):
    """Ends the probe's endless loop once the test has its readings."""


class _Readings(Saturation):
    """Keeps the lags the probe reports, and ends the probe after `count` of them."""

    def __init__(self, count: int) -> None:
        super().__init__(ShedThresholds())
        self.readings: list[float] = []
        self._count = count

    def observe_lag(self, lag_ms: float) -> None:
        self.readings.append(lag_ms)
        if len(self.readings) == self._count:
            raise _Enough


async def test_the_probe_reports_how_late_the_loop_woke_it() -> None:
    # The clock says each sleep of 50 ms took 50 ms, then 250 ms, then 50.5 ms.
    instants = iter([0.0, 0.05, 1.0, 1.25, 2.0, 2.0505])
    readings = _Readings(count=3)
    with pytest.raises(_Enough):
        await watch_loop_lag(readings, interval_s=PROBE_INTERVAL_S, clock=lambda: next(instants))
    assert readings.readings == pytest.approx([0.0, 200.0, 0.5])


def test_a_long_shedding_episode_widens_the_wait_and_a_served_arrival_ends_it() -> None:
    """Each family shed comes back once per wait: in a long spike a wider window spends fewer
    requests on "come back later". The window widens by [n, 2n] every 10 s, up to 6 times."""
    now = [100.0]
    saturation = Saturation(
        ShedThresholds(loop_lag_ms=100, max_in_flight=1, retry_after_seconds=5),
        rng=random.Random(3),
        clock=lambda: now[0],
    )
    saturation.in_flight = 1

    def waits_after(seconds: float) -> list[int]:
        now[0] += seconds
        assert saturation.sheds_new_arrivals()
        return [saturation.shed("login").retry_after for _ in range(300)]

    first = waits_after(0)
    assert (min(first), max(first)) == (5, 10)
    later = waits_after(25)  # two steps of 10 s: three times as wide
    assert (min(later), max(later)) == (5, 30)
    longest = waits_after(3600)
    assert (min(longest), max(longest)) == (5, 2 * 5 * MAX_RETRY_SPREAD)
    saturation.in_flight = 0  # an arrival served: the episode is over
    assert not saturation.sheds_new_arrivals()
    saturation.in_flight = 1
    assert max(waits_after(1)) == 10
    assert ShedThresholds(retry_after_seconds=5).idle_connection_s > 2 * 5 * MAX_RETRY_SPREAD
