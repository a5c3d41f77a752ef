"""New arrivals answered `503` while this process is saturated; admitted families never.

The rules are `rush.load_shedding` and `rush.work_gate`; here are their HTTP doors.
`ShedNewArrivals` runs first of all middleware, before the session is read, the rate limits
counted and CSRF checked: a shed request costs no Redis or Postgres round trip, and a parent
trying again is not counted against the per-address limits. Every request it lets through
counts as in flight and waits for a work slot by its `work_priority`: the purchase path first.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import msgspec
from litestar import Litestar, Request, Response
from litestar.config.app import AppConfig
from litestar.enums import ScopeType
from litestar.middleware import DefineMiddleware
from litestar.types import ASGIApp, HTTPResponseStartEvent, Receive, Scope, Send

from rush.i18n import error_message
from rush.load_shedding import Saturation, ServersBusy, watch_loop_lag
from rush.work_gate import Priority
from web.locale import request_locale
from web.loop_lag import RecordedLagReadings
from web.pages.busy_forms import busy_form
from web.pages.errors import is_page_request
from web.problems import MEDIA_TYPE, problem, problem_body
from web.purchase_path import is_purchase_path

__all__ = [
    "NEW_ARRIVAL_DOORS",
    "SATURATION",
    "ShedApiArrivalsEarly",
    "ShedNewArrivals",
    "new_arrival_door",
    "saturation_lifespan",
    "shed_first",
    "work_priority",
]

SATURATION = "saturation"
"""The app state's `Saturation` of this process."""

_DOORS = (
    (re.compile(r"^(/api/v1/auth)?/login$"), "login"),
    (re.compile(r"^(/api/v1/auth)?/signup$"), "signup"),
    (re.compile(r"^(/api/v1)?/sales/\d+/queue/?$"), "queue_join"),
)
NEW_ARRIVAL_DOORS = tuple(door for _, door in _DOORS)
_API = "/api/"
_STREAM_SUFFIX = "/stream"
"""A dashboard stream stays open as long as staff watch: not a request in flight."""


def new_arrival_door(method: str, path: str) -> str | None:
    """The door a request of a new arrival comes through (`login`, `signup`, `queue_join`),
    or None: everything else, holds, carts, checkout, payments and polls, is never shed."""
    if method != "POST":
        return None
    return next((door for pattern, door in _DOORS if pattern.match(path)), None)


def work_priority(door: str | None, path: str) -> Priority:
    """Where a request waits when work slots are short (`door`: its `new_arrival_door`)."""
    if door is not None:
        return Priority.NEW_ARRIVAL
    return Priority.PURCHASE if is_purchase_path(path) else Priority.OTHER


class ShedNewArrivals:
    """Counts this process's requests in flight, sheds new arrivals while saturated, and lets
    the others work by priority (a new arrival that waits too long is shed after all)."""

    def __init__(self, app: ASGIApp, saturation: Saturation) -> None:
        self.app = app
        self.saturation = saturation

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["path"].endswith(_STREAM_SUFFIX):
            await self.app(scope, receive, send)
            return
        saturation = self.saturation
        door = new_arrival_door(scope["method"], scope["path"])
        if door is not None and saturation.sheds_new_arrivals():
            await _answer_shed(scope, receive, send, door, saturation.shed(door))
            return
        saturation.in_flight += 1
        try:
            gate = saturation.gate
            if gate is None:
                await self.app(scope, receive, send)
                return
            priority = work_priority(door, scope["path"])
            if door is None:
                await gate.enter(priority)
            elif not await gate.enter(priority, saturation.thresholds.arrival_wait_ms / 1000):
                await _answer_shed(scope, receive, send, door, saturation.shed(door))
                return
            try:
                await self.app(scope, receive, send)
            finally:
                gate.leave()
        finally:
            saturation.in_flight -= 1


class ShedApiArrivalsEarly:
    """Outermost layer of the app: an API new arrival met while saturated is answered before
    the request log, the HTTP metrics, Litestar's routing and the middleware stack, from a
    problem built straight from the scope.

    In a long spike most requests are families coming back after a shed answer (460 a second
    at 10,000 families at 30x): each one answered deep in the stack cost about what the
    trivial endpoint costs. Pages keep the inner door (`ShedNewArrivals`), which shows the
    form again with what was typed. Counted in `rush_shed_requests_total`, not in the HTTP
    request metrics."""

    def __init__(self, app: ASGIApp, saturation: Saturation, help_phone: str) -> None:
        self.app = app
        self.saturation = saturation
        self.help_phone = help_phone

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and scope["path"].startswith(_API):
            door = new_arrival_door(scope["method"], scope["path"])
            if door is not None and self.saturation.sheds_new_arrivals():
                await self._answer(scope, send, self.saturation.shed(door))
                return
        await self.app(scope, receive, send)

    async def _answer(self, scope: Scope, send: Send, busy: ServersBusy) -> None:
        # A request object only for the few shed answers: the locale rule lives in one place.
        locale = request_locale(Request(scope))
        message = error_message(
            busy.code, locale, help_phone=self.help_phone, retry_after=busy.retry_after
        )
        body = msgspec.json.encode(
            problem_body(
                busy.status,
                busy.code,
                message,
                scope["path"],
                {"retry_after": busy.retry_after},
            )
        )
        headers: list[tuple[bytes, bytes]] = [
            (b"content-type", MEDIA_TYPE.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"content-language", locale.encode()),
            (b"retry-after", str(busy.retry_after).encode()),
            (b"cache-control", b"no-store"),
        ]
        start: HTTPResponseStartEvent = {
            "type": "http.response.start",
            "status": busy.status,
            "headers": headers,
        }
        await send(start)
        await send({"type": "http.response.body", "body": body, "more_body": False})


async def _answer_shed(
    scope: Scope, receive: Receive, send: Send, door: str, busy: ServersBusy
) -> None:
    request: Request[Any, Any, Any] = Request(scope, receive, send)
    response: Response[Any]
    if is_page_request(request):
        response = await busy_form(request, door, busy)
    else:
        response = problem(request, busy.status, busy.code, {"retry_after": busy.retry_after})
    response.headers["retry-after"] = str(busy.retry_after)
    await response.to_asgi_response(app=None, request=request)(scope, receive, send)


def shed_first(saturation: Saturation) -> Callable[[AppConfig], AppConfig]:
    """An `on_app_init` hook, after the session's: it puts `ShedNewArrivals` before every
    other middleware, the session middleware included (which inserts itself first)."""

    def install(app_config: AppConfig) -> AppConfig:
        app_config.middleware.insert(0, DefineMiddleware(ShedNewArrivals, saturation=saturation))
        return app_config

    return install


@asynccontextmanager
async def saturation_lifespan(app: Litestar) -> AsyncIterator[None]:
    """The loop-lag probe runs as long as the process serves, shedding on or off: the lag on
    `/metrics` is what tells whether (and how) to tune it."""
    saturation: Saturation = app.state[SATURATION]
    readings = RecordedLagReadings(saturation)
    probe = asyncio.create_task(watch_loop_lag(readings), name="rush-loop-lag-probe")
    try:
        yield
    finally:
        probe.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await probe
