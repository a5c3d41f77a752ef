"""The live capacity dashboard of a sale, and its controls.

The page draws the latest snapshot and the last half hour's charts, then follows a
server-sent event stream: every web process holds one Redis subscription per sale (Litestar
channels), whatever the number of staff watching, and a worker builds each snapshot once for
all of them.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.channels import ChannelsPlugin
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import Body, FromPath
from litestar.response import Redirect, ServerSentEvent, Template

from rush.errors import InvalidPacingSettings
from rush.i18n import TIME_ZONE
from rush.ops.dashboard import build_snapshot, dashboard_channel
from rush.ops.dashboard_history import sale_history
from rush.ops.sale_controls import SaleControls
from rush.ops.staff_log import staff_actions
from rush.ops.staff_log_sentences import staff_action_sentence
from rush.room.fairness import fairness_report
from rush.room.self_pacer import (
    SelfPacingConfig,
    self_pacing_changes,
    self_pacing_config,
)
from web.auth import current_account, staff_only
from web.i18n import page_translator
from web.locale import request_locale
from web.ops.catalogue_forms import STATUS_LABELS
from web.pages.render import page
from web.state import resources

__all__ = ["DashboardPages"]

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
_DONE_KEY = "dashboard_done"
"""Session key of the action staff just made, told once on the page they return to."""
_TRANSITIONS: dict[str, Callable[[SaleControls, int], Awaitable[object]]] = {
    "open": SaleControls.open,
    "pause": SaleControls.pause,
    "resume": SaleControls.resume,
    "close": SaleControls.close,
}


def _status_labels_json(request: Request[Any, Any, Any]) -> str:
    """The sale statuses in the watcher's language, for the script that follows the stream."""
    translate = page_translator(request_locale(request)).gettext
    return msgspec.json.encode({k: translate(v) for k, v in STATUS_LABELS.items()}).decode()


def _just_done(request: Request[Any, Any, Any], locale: str) -> str | None:
    """What the watcher just did, as a sentence, once: the next load no longer says it."""
    session = request.scope.get("session")
    done = session.pop(_DONE_KEY, None) if isinstance(session, dict) else None
    if not done:
        return None
    return staff_action_sentence(done["action"], done["details"], locale)


def _whole_number(data: dict[str, str], name: str) -> int:
    """A form field that must be a whole number: a typo is a 400 for the admin, never a 500."""
    try:
        return int(data[name])
    except (KeyError, ValueError) as exc:
        raise ValidationException(f"{name} must be a whole number") from exc


def _optional_whole_number(data: dict[str, str], name: str) -> int | None:
    """A whole number, or None when the field is left blank (the setting is kept)."""
    return _whole_number(data, name) if data.get(name) else None


def _self_pacing_form(data: dict[str, str]) -> SelfPacingConfig:
    """The switch and targets from the form; anything not a whole number is refused."""
    try:
        return SelfPacingConfig(
            enabled=data.get("enabled") == "on",
            target_hold_p99_ms=int(data["target_hold_p99_ms"]),
            target_finalize_lag_ms=int(data["target_finalize_lag_ms"]),
            floor_per_min=int(data["floor_per_min"]),
            ceiling_per_min=int(data["ceiling_per_min"]),
        )
    except (KeyError, ValueError) as exc:
        raise InvalidPacingSettings("self-pacing fields must be whole numbers") from exc


class DashboardPages(Controller):
    path = "/ops/sales/{sale_id:int}"
    guards = [staff_only]
    include_in_schema = False

    @get("/")
    async def dashboard(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> Template:
        services = resources(state).services
        snapshot = await build_snapshot(services, sale_id)
        locale = request_locale(request)
        return page(
            request,
            "ops/dashboard.html",
            snapshot=snapshot,
            just_done=_just_done(request, locale),
            actions=[
                (a.at, staff_action_sentence(a.action, a.details, locale, staff=a.staff))
                for a in await staff_actions(services.pool, sale_id)
                if a.action != "self_pace"
            ],
            snapshot_json=msgspec.json.encode(snapshot).decode(),
            history=msgspec.to_builtins(await sale_history(services.redis, sale_id)),
            pacing=await self_pacing_config(services.pool, sale_id),
            pacing_changes=await self_pacing_changes(services.pool, sale_id),
            status_labels=STATUS_LABELS,
            status_labels_json=_status_labels_json(request),
            time_zone=TIME_ZONE.key,
        )

    @get("/stream")
    async def stream(
        self, state: State, channels: NamedDependency[ChannelsPlugin], sale_id: FromPath[int]
    ) -> ServerSentEvent:
        """A snapshot now, then each one the worker publishes."""
        services = resources(state).services

        async def snapshots() -> AsyncGenerator[str, None]:
            # Subscribe first, so nothing published after the first snapshot is missed.
            async with channels.start_subscription([dashboard_channel(sale_id)]) as subscriber:
                yield msgspec.json.encode(await build_snapshot(services, sale_id)).decode()
                async for message in subscriber.iter_events():
                    yield message.decode()

        return ServerSentEvent(snapshots(), event_type="snapshot")

    @get("/fairness.json")
    async def fairness(self, state: State, sale_id: FromPath[int]) -> Response[bytes]:
        """The seed, the draw and the admission log, with the checks; anyone can redo them."""
        report = await fairness_report(resources(state).services.pool, sale_id)
        body = msgspec.json.encode({**msgspec.to_builtins(report), "fair": report.fair})
        return Response(
            body,
            media_type="application/json",
            headers={"content-disposition": f'attachment; filename="fairness-sale-{sale_id}.json"'},
        )

    @post("/actions/{action:str}", opt={"admin": True})
    async def act(
        self,
        request: Request[Any, Any, Any],
        state: State,
        sale_id: FromPath[int],
        action: FromPath[str],
        data: Form,
    ) -> Redirect:
        """Open, pause, resume, close, pace or self-pace, capacity, a family's cart; all logged."""
        controls = SaleControls(resources(state).services, current_account(request).id)
        if action == "capacity":
            await controls.change_capacity(
                sale_id,
                group_id=_whole_number(data, "group_id"),
                capacity=_whole_number(data, "capacity"),
            )
        elif action == "extend_cart":
            await controls.extend_cart(
                sale_id,
                email=data.get("email", ""),
                minutes=_whole_number({"minutes": "10", **data}, "minutes"),
            )
        elif action == "release_cart":
            await controls.release_cart(sale_id, email=data.get("email", ""))
        elif action == "pace":
            await controls.pace(
                sale_id,
                rate_per_min=_optional_whole_number(data, "rate_per_min"),
                max_shoppers=_optional_whole_number(data, "max_shoppers"),
            )
        elif action == "self_pacing":
            await controls.configure_self_pacing(sale_id, _self_pacing_form(data))
        elif action in _TRANSITIONS:
            await _TRANSITIONS[action](controls, sale_id)
        else:
            raise NotFoundException()
        if controls.last_logged is not None:
            action_done, details = controls.last_logged
            request.session[_DONE_KEY] = {"action": action_done, "details": details}
        return Redirect(f"/ops/sales/{sale_id}")
