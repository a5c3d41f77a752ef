"""Every Redis key Rush uses, built in one place.

Keys of one program share the hash tag `{p:<id>}`, so every multi-key script touches a
single Redis Cluster slot.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KNOWN_PROGRAMS", "ProgramKeys", "program_keys"]

PREFIX = "rush"
KNOWN_PROGRAMS = f"{PREFIX}:programs"
"""Set of program ids the engine holds state for; the sweeper walks it."""


@dataclass(frozen=True, slots=True)
class ProgramKeys:
    """The six keys the hold engine scripts receive, in script order."""

    capacity: str
    paid: str
    held: str
    holds: str
    expiry: str
    confirmed: str

    @property
    def all(self) -> list[str]:
        return [self.capacity, self.paid, self.held, self.holds, self.expiry, self.confirmed]


def program_keys(program_id: int) -> ProgramKeys:
    tag = f"{PREFIX}:{{p:{program_id}}}"
    return ProgramKeys(
        capacity=f"{tag}:cap",
        paid=f"{tag}:paid",
        held=f"{tag}:held",
        holds=f"{tag}:holds",
        expiry=f"{tag}:expiry",
        confirmed=f"{tag}:confirmed",
    )
