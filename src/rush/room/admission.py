"""The one check that a request comes from a family admitted to shop in a sale.

Every door that holds places (the API, the cart page, checkout) runs it: the family must
still be shopping in the waiting room (the touch also keeps it from being idled out) and
carry its own unexpired admission token. The room's clock, not the caller's, judges expiry.
"""

from __future__ import annotations

from rush.errors import InvalidAdmissionToken
from rush.room.admission_tokens import AdmissionTokens
from rush.room.waiting_room import HoldTouch, QueueStanding, QueueState, WaitingRoom

__all__ = ["AdmissionCheck"]


class AdmissionCheck:
    def __init__(self, room: WaitingRoom, tokens: AdmissionTokens) -> None:
        self._room = room
        self._tokens = tokens

    async def require(self, family_id: int, sale_id: int, token: str | None) -> None:
        """Raise `NotAdmitted` or `InvalidAdmissionToken` unless the family may shop now."""
        if not token:
            raise InvalidAdmissionToken("an admission token is required")
        now_ms = await self._room.touch(sale_id, family_id)
        self._tokens.verify(token, family_id, sale_id, now_ms)

    async def require_for_hold(self, family_id: int, sale_id: int, token: str | None) -> HoldTouch:
        """`require`, also reading the room's status and the family's staged cart, so the
        hold at admission asks Redis once before its hold scripts (and an add learns from the
        room, not Postgres, that the sale is open)."""
        if not token:
            raise InvalidAdmissionToken("an admission token is required")
        touch = await self._room.touch_for_hold(sale_id, family_id)
        self._tokens.verify(token, family_id, sale_id, touch.now_ms)
        return touch

    def token_for(self, standing: QueueStanding, family_id: int, sale_id: int) -> str | None:
        """The family's admission token when the room admits it, signed at the room's clock."""
        if standing.state is not QueueState.ADMITTED:
            return None
        return self._tokens.issue(family_id, sale_id, standing.now_ms)
