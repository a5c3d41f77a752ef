"""Figures the fault and fuzz tests measure, printed in the suite's summary.

Tests add to named counters (`record("faults", injected=1, orders=120)`); the root conftest
prints every section at the end of the run, so CI logs carry the numbers the issues ask for.
"""

from __future__ import annotations

from collections import Counter, defaultdict

__all__ = ["FIGURES", "record"]

FIGURES: defaultdict[str, Counter[str]] = defaultdict(Counter)


def record(section: str, **counts: int) -> None:
    FIGURES[section].update(counts)
