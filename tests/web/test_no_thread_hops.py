"""Nothing on a request's path is sent to a worker thread by Litestar.

Litestar runs a sync guard, hook, dependency or handler in a thread pool: a hop of tens of
microseconds plus a GIL hand-off, on every request that route serves. One app-wide sync guard
once cost the trivial endpoint a sixth of its web CPU (py-spy, `rush bench rush
--profile-dir`). Work that must leave the event loop (argon2) goes to a thread on purpose,
inside the handler, and is not what this checks.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar, get
from litestar.handlers import HTTPRouteHandler
from litestar.utils.sync import AsyncCallable

from rush.config import Settings
from web.app import create_app


def _hops(app: Litestar) -> list[str]:
    """Every guard, hook, dependency and handler of the app that Litestar runs in a thread."""
    hops: list[str] = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            methods = sorted(handler.http_methods) if isinstance(handler, HTTPRouteHandler) else []
            where = f"{methods} {route.path}"
            for guard in handler.resolve_guards():
                if isinstance(guard, AsyncCallable):
                    hops.append(f"guard {guard.func.__name__} on {where}")
            for name, provider in handler.resolve_dependencies().items():
                if isinstance(provider.dependency, AsyncCallable):
                    hops.append(f"dependency {name} on {where}")
            if isinstance(handler, HTTPRouteHandler):
                if isinstance(handler.fn, AsyncCallable):
                    hops.append(f"handler {handler.handler_name} on {where}")
                hooks: list[Any] = [
                    handler.resolve_before_request(),
                    handler.resolve_after_response(),
                ]
                hops.extend(
                    f"hook {hook.func} on {where}"
                    for hook in hooks
                    if isinstance(hook, AsyncCallable)
                )
    return hops


def test_no_route_sends_its_work_to_a_thread(settings: Settings) -> None:
    app = create_app(settings)
    handlers = sum(len(getattr(route, "route_handlers", [])) for route in app.routes)
    assert handlers > 50  # the walk reached the app's routes
    assert _hops(app) == []


def test_a_sync_guard_or_handler_is_seen_as_a_hop() -> None:
    """The check above can fail: what Litestar would send to a thread is found."""

    def sync_guard(*_: object) -> None:
        return None

    @get("/threaded", sync_to_thread=True)
    def threaded() -> None:
        return None

    @get("/looped")
    async def looped() -> None:
        return None

    app = Litestar(route_handlers=[threaded, looped], guards=[sync_guard], openapi_config=None)
    assert _hops(app) == [
        "guard sync_guard on ['GET'] /threaded",
        "handler threaded on ['GET'] /threaded",
        "guard sync_guard on ['OPTIONS'] /threaded",
        "guard sync_guard on ['GET'] /looped",
        "guard sync_guard on ['OPTIONS'] /looped",
    ]
