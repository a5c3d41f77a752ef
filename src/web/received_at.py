"""When a request reached this web process's app, for the hold's answer time.

Self-pacing slows admissions when admitted families wait for their holds; what they wait for
includes the time a busy process took to get to their request, not only the hold script. The
outermost layer (`web.shedding.ShedApiArrivalsEarly`) marks the scope; the cart doors pass the
mark to `rush.purchase.shopping`, which times the answer from it.
"""

from __future__ import annotations

import time
from typing import Any, cast

from litestar import Request
from litestar.types import Scope

__all__ = ["mark_received", "received_at"]

_KEY = "rush.received_at"


def mark_received(scope: Scope) -> None:
    cast(dict[str, Any], scope)[_KEY] = time.perf_counter()


def received_at(request: Request[Any, Any, Any]) -> float | None:
    """`time.perf_counter()` when the request reached the app, None if it was not marked."""
    value = cast(dict[str, Any], request.scope).get(_KEY)
    return value if isinstance(value, float) else None
