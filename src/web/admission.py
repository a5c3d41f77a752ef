"""Checking that a request comes from an admitted family, for every hold it makes."""

from __future__ import annotations

from typing import Any

from litestar import Request

from rush.errors import InvalidAdmissionToken
from web.state import Resources

__all__ = ["ADMISSION_HEADER", "require_admission"]

ADMISSION_HEADER = "rush-admission"


async def require_admission(
    request: Request[Any, Any, Any], res: Resources, family_id: int, sale_id: int
) -> None:
    """The family must still be shopping (Redis) and carry its own unexpired signed token."""
    token = request.headers.get(ADMISSION_HEADER)
    if not token:
        raise InvalidAdmissionToken("an admission token is required")
    now_ms = await res.services.room.touch(sale_id, family_id)
    res.services.tokens.verify(token, family_id, sale_id, now_ms)
