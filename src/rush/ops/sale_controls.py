"""What staff change on a live sale, each change written to the staff log as it is made.

The JSON API and the dashboard's forms both call `SaleControls`, so a control records the
same action name and the same details whichever door staff used.
"""

from __future__ import annotations

from typing import Any

import msgspec

from rush.db import query
from rush.engine.capacity import change_capacity
from rush.errors import RushError
from rush.ops.staff_log import log_staff_action
from rush.room.sales import close_sale, open_sale, pause_sale, prepare_room, resume_sale, set_pace
from rush.room.self_pacer import SelfPacingConfig, configure_self_pacing
from rush.room.waiting_room import Draw
from rush.services import Services

__all__ = ["NoFamilyWithEmail", "SaleControls"]


class NoFamilyWithEmail(RushError):
    """Staff named a family's cart by an email no family account has."""

    code = "unknown_family"
    status = 404

    def __init__(self, email: str) -> None:
        super().__init__(f"no family account has the email {email!r}")


class SaleControls:
    """One staff member's controls of a sale: open, pace, capacity, a family's cart, and so on."""

    def __init__(self, services: Services, staff_account_id: int) -> None:
        self._services = services
        self._staff_account_id = staff_account_id
        self.last_logged: tuple[str, dict[str, Any]] | None = None
        """The action and details last written to the log, to tell staff what was done."""

    async def _log(self, action: str, sale_id: int, **details: Any) -> None:
        await log_staff_action(
            self._services.pool, self._staff_account_id, action, sale_id, **details
        )
        self.last_logged = (action, details)

    async def prepare(self, sale_id: int) -> str:
        """Create the waiting room from the sale's settings, so families can pre-queue."""
        status = await prepare_room(self._services.pool, self._services.room, sale_id)
        await self._log("prepare", sale_id, status=status)
        return status

    async def open(self, sale_id: int) -> Draw:
        """Open now, drawing the pre-queue's order."""
        draw = await open_sale(self._services.pool, self._services.room, sale_id)
        await self._log("open", sale_id, drawn=len(draw.families))
        return draw

    async def pause(self, sale_id: int) -> None:
        await pause_sale(self._services.pool, self._services.room, sale_id)
        await self._log("pause", sale_id)

    async def resume(self, sale_id: int) -> None:
        await resume_sale(self._services.pool, self._services.room, sale_id)
        await self._log("resume", sale_id)

    async def close(self, sale_id: int) -> None:
        await close_sale(self._services.pool, self._services.room, sale_id)
        await self._log("close", sale_id)

    async def pace(
        self, sale_id: int, *, rate_per_min: int | None, max_shoppers: int | None
    ) -> None:
        """Change admissions per minute and/or the cap on families shopping; None keeps one."""
        await set_pace(
            self._services.pool,
            self._services.room,
            sale_id,
            rate_per_min=rate_per_min,
            max_shoppers=max_shoppers,
        )
        await self._log("pace", sale_id, rate_per_min=rate_per_min, max_shoppers=max_shoppers)

    async def change_capacity(self, sale_id: int, *, group_id: int, capacity: int) -> None:
        """Set a group's capacity; a group of another sale is unknown."""
        services = self._services
        await change_capacity(services.pool, services.engine, group_id, capacity, sale_id=sale_id)
        await self._log("capacity", sale_id, group_id=group_id, capacity=capacity)

    async def configure_self_pacing(self, sale_id: int, config: SelfPacingConfig) -> None:
        await configure_self_pacing(self._services.pool, sale_id, config)
        await self._log("self_pacing", sale_id, **msgspec.structs.asdict(config))

    async def extend_cart(self, sale_id: int, *, email: str, minutes: int) -> None:
        """Give the family of that email more time on its held places."""
        family_id = await self._family_of(email)
        await self._services.carts.extend_holds(family_id, sale_id, minutes * 60_000)
        await self._log("extend_cart", sale_id, email=email, family_id=family_id, minutes=minutes)

    async def release_cart(self, sale_id: int, *, email: str) -> None:
        """Free the places the family of that email holds."""
        family_id = await self._family_of(email)
        released = await self._services.carts.release_holds(family_id, sale_id)
        await self._log(
            "release_cart", sale_id, email=email, family_id=family_id, released=released
        )

    async def _family_of(self, email: str) -> int:
        family_id: int | None = await self._services.pool.fetchval(query("family_by_email"), email)
        if family_id is None:
            raise NoFamilyWithEmail(email)
        return family_id
