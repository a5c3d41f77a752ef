"""Every Redis key Rush uses, built in one place.

Keys of one program share the hash tag `{p:<id>}`, so every multi-key script touches a
single Redis Cluster slot.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "KNOWN_PROGRAMS",
    "KNOWN_SALES",
    "LAST_RECONCILE",
    "LATEST_SNAPSHOTS",
    "ProgramKeys",
    "SaleKeys",
    "account_attempts_key",
    "door_attempts_key",
    "program_keys",
    "sale_keys",
]

PREFIX = "rush"
KNOWN_PROGRAMS = f"{PREFIX}:programs"
"""Set of program ids the engine holds state for; the sweeper walks it."""
KNOWN_SALES = f"{PREFIX}:sales"
"""Set of sale ids with a waiting room; the admission tick walks it."""
LAST_RECONCILE = f"{PREFIX}:reconcile:last"
"""The last reconcile's repaired-group count and Redis time, for the dashboard."""
LATEST_SNAPSHOTS = f"{PREFIX}:dashboard:latest"
"""Hash of every sale's latest dashboard snapshot, for `/metrics` (single-key commands only)."""


@dataclass(frozen=True, slots=True)
class ProgramKeys:
    """The seven keys the hold engine scripts receive, in script order."""

    capacity: str
    paid: str
    held: str
    holds: str
    expiry: str
    confirmed: str
    flow: str
    """Holds taken and expired per 10 s slot of the Redis clock, for the dashboard."""

    @property
    def all(self) -> list[str]:
        return [
            self.capacity,
            self.paid,
            self.held,
            self.holds,
            self.expiry,
            self.confirmed,
            self.flow,
        ]


@lru_cache(maxsize=4096)
def program_keys(program_id: int) -> ProgramKeys:
    tag = f"{PREFIX}:{{p:{program_id}}}"
    return ProgramKeys(
        capacity=f"{tag}:cap",
        paid=f"{tag}:paid",
        held=f"{tag}:held",
        holds=f"{tag}:holds",
        expiry=f"{tag}:expiry",
        confirmed=f"{tag}:confirmed",
        flow=f"{tag}:flow",
    )


@dataclass(frozen=True, slots=True)
class SaleKeys:
    """The nine keys the waiting-room scripts receive (`all`, in script order), and the
    sale's dashboard keys, which no script touches."""

    room: str
    prequeue: str
    tickets: str
    seqs: str
    active: str
    admissions: str
    buckets: str
    issued: str
    waits: str
    history: str
    """Capped list of dashboard chart points, oldest first."""
    hold_ms: str
    """Prefix of the per-slot histograms of engine hold durations, for self-pacing."""
    staged: str
    """Hash: family -> its prepared cart, so the hold at admission needs no Postgres."""
    went_live: str
    """Stream of carts held from their staged copy, which a worker writes to Postgres."""

    def hold_ms_slot(self, slot: int) -> str:
        return f"{self.hold_ms}:{slot}"

    @property
    def all(self) -> list[str]:
        return [
            self.room,
            self.prequeue,
            self.tickets,
            self.seqs,
            self.active,
            self.admissions,
            self.buckets,
            self.issued,
            self.waits,
        ]


@lru_cache(maxsize=1024)
def sale_keys(sale_id: int) -> SaleKeys:
    tag = f"{PREFIX}:{{s:{sale_id}}}"
    return SaleKeys(
        room=f"{tag}:room",
        prequeue=f"{tag}:prequeue",
        tickets=f"{tag}:tickets",
        seqs=f"{tag}:seqs",
        active=f"{tag}:active",
        admissions=f"{tag}:admissions",
        buckets=f"{tag}:buckets",
        issued=f"{tag}:issued",
        waits=f"{tag}:waits",
        history=f"{tag}:history",
        hold_ms=f"{tag}:hold_ms",
        staged=f"{tag}:staged",
        went_live=f"{tag}:went_live",
    )


def account_attempts_key(door: str, email: str) -> str:
    """The counter of one account's attempts at a door (login, sign-up, reset); the email is
    hashed, so Redis never holds the address itself."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"{PREFIX}:{{a:{digest}}}:attempts:{door}"


def door_attempts_key(door: str, caller: str) -> str:
    """The counter of one caller's attempts at a rate-limited door (the account doors, a
    queue join); the caller (an address or a session id) is hashed, as an email is above."""
    digest = hashlib.sha256(caller.encode()).hexdigest()[:32]
    return f"{PREFIX}:ratelimit:{door}:{digest}"
