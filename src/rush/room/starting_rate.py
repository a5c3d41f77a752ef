"""Where self-pacing starts: the admission rate the web cores can serve, from measured cost.

Self-pacing corrects the rate as it goes, but slowly upward (10 % per step) and only after a
reading over target downward, so a start far off costs the first minutes of the morning:
too low and the line waits for nothing, too high and the first admitted families hold slowly.
Starting from what an admitted family costs the web processes puts the first minute near
the rate the machines can carry. A pure function, so its promises are checked with property
tests.
"""

from __future__ import annotations

import math

__all__ = ["UTILISATION", "starting_rate_per_min"]

UTILISATION = 0.65
"""Share of the web cores admitted families' requests may use. The rest serves the families
still in line (their polls, sign-ins and joins, a spike at opening) and keeps queueing short:
past about two thirds busy, waiting for a core grows fast (as rho / (1 - rho) in a queue), and
that wait is what admitted families see as hold latency."""


def starting_rate_per_min(
    cpu_ms_per_family: float,
    cores: float,
    floor_per_min: int,
    ceiling_per_min: int,
    utilisation: float = UTILISATION,
) -> int:
    """Families a minute whose work after admission keeps `utilisation` of `cores` busy,
    within the sale's floor and ceiling (the bounds are the admin's word, as in `next_rate`).

    `cpu_ms_per_family` is the web CPU one admitted family costs; a cost of zero or less, or
    one not measured (NaN), says nothing: the ceiling, which self-pacing lowers if it must.
    """
    if not cpu_ms_per_family > 0:
        return ceiling_per_min
    per_min = max(cores, 0.0) * utilisation * 60_000 / cpu_ms_per_family
    if not per_min < ceiling_per_min:
        return ceiling_per_min
    return max(floor_per_min, math.floor(per_min))
