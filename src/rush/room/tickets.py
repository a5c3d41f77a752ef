"""Signed queue tickets: a family's place in a sale's line, carried by its own devices.

A ticket token is an HMAC-SHA256 signature (itsdangerous) over (family, sale, ticket number,
expiry by the Redis clock). While the number is beyond the room's head the family is still in
line, and its place follows from the number and the head alone: a poll that shows such a
ticket needs neither the session nor a Redis call of its own (see `rush.room.snapshots`).
Anything else (admitted, expired, a new ticket) is read from the room itself.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer

from rush.errors import InvalidQueueTicket

__all__ = ["TICKET_LIFETIME_MS", "QueueTicket", "QueueTickets"]

VERIFIED_TICKETS_KEPT = 50_000
"""Tickets remembered as genuine per process (a few MB): more than a rush's families."""
TICKET_LIFETIME_MS = 12 * 3600 * 1000
"""A whole registration morning, like a session: past it the family polls with its session."""


@dataclass(frozen=True, slots=True)
class QueueTicket:
    family_id: int
    sale_id: int
    ticket: int
    expires_ms: int = 0

    def require_unexpired(self, now_ms: int) -> QueueTicket:
        """`now_ms` by the Redis clock, as the expiry was set."""
        if self.expires_ms <= now_ms:
            raise InvalidQueueTicket("queue ticket has expired")
        return self


class QueueTickets:
    def __init__(self, signing_key: str, lifetime_ms: int = TICKET_LIFETIME_MS) -> None:
        self._serializer = URLSafeSerializer(
            signing_key, salt="rush.queue-ticket", signer_kwargs={"digest_method": hashlib.sha256}
        )
        self.lifetime_ms = lifetime_ms
        # A genuine token stays genuine: a family polling every few seconds is verified once
        # per process (the HMAC was a tenth of a poll's CPU). Expiry is checked on every read.
        self._genuine = functools.lru_cache(maxsize=VERIFIED_TICKETS_KEPT)(self._verify)

    def issue(self, family_id: int, sale_id: int, ticket: int, now_ms: int) -> str:
        """A token for a ticket the room gave, valid until now + lifetime (Redis clock)."""
        return self._serializer.dumps([family_id, sale_id, ticket, now_ms + self.lifetime_ms])

    def read(self, token: str | None, sale_id: int) -> QueueTicket:
        """Check signature and sale (a ticket of another sale is refused); the caller checks
        the expiry against the Redis clock it reads next (`require_unexpired`)."""
        if not token:
            raise InvalidQueueTicket("a queue ticket is required")
        ticket = self._genuine(token)
        if ticket.sale_id != sale_id:
            raise InvalidQueueTicket("queue ticket belongs to another sale")
        return ticket

    def _verify(self, token: str) -> QueueTicket:
        try:
            family_id, sale_id, ticket, expires_ms = self._serializer.loads(token)
        except (BadSignature, ValueError, TypeError) as exc:
            raise InvalidQueueTicket("queue ticket is not genuine") from exc
        if not all(isinstance(n, int) for n in (family_id, sale_id, ticket, expires_ms)):
            raise InvalidQueueTicket("queue ticket is not genuine")
        return QueueTicket(family_id, sale_id, ticket, expires_ms)
