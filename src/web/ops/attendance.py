"""Attendance on site, on a tablet: pick a group, find a child by name, tap "Present", and at
the end of the day record who took the child home, chosen from the people the family allows.

The sheet works without JavaScript (plain forms and redirects); with htmx the search filters as
the monitor types and each tap swaps only the child's row and the counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from rush.i18n import TIME_ZONE
from rush.ops.attendance import attendance_groups, attendance_sheet, mark_attendance, sign_out
from rush.ops.staff_log import log_staff_action
from web.auth import current_account, staff_only
from web.pages.render import page
from web.state import resources

__all__ = ["AttendancePages"]

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
_SHEET = "/ops/attendance/groups/{group_id}/{session_date}"


async def _sheet_context(
    state: State, group_id: int, session_date: dt.date, search: str
) -> dict[str, Any]:
    """What the sheet and its live-search list both show: the children matching the search."""
    sheet = await attendance_sheet(resources(state).services.pool, group_id, session_date)
    return {
        "sheet": sheet,
        "children": sheet.matching(search),
        "search": search,
        "base": _sheet_url(group_id, session_date),
    }


def _sheet_url(group_id: int, session_date: dt.date) -> str:
    return _SHEET.format(group_id=group_id, session_date=session_date.isoformat())


class AttendancePages(Controller):
    path = "/ops/attendance"
    guards = [staff_only]
    include_in_schema = False

    @get("/")
    async def groups(self, request: Request[Any, Any, Any], state: State) -> Template:
        today = dt.datetime.now(TIME_ZONE).date()
        groups = await attendance_groups(resources(state).services.pool, today)
        return page(request, "ops/attendance.html", groups=groups, today=today)

    @get("/groups/{group_id:int}/{session_date:date}")
    async def sheet(
        self,
        request: Request[Any, Any, Any],
        state: State,
        group_id: FromPath[int],
        session_date: FromPath[dt.date],
        q: FromQuery[str] = "",
    ) -> Template:
        return page(
            request,
            "ops/attendance_sheet.html",
            **await _sheet_context(state, group_id, session_date, q),
            previous_day=_sheet_url(group_id, session_date - dt.timedelta(days=1)),
            next_day=_sheet_url(group_id, session_date + dt.timedelta(days=1)),
        )

    @get("/groups/{group_id:int}/{session_date:date}/children")
    async def children(
        self,
        request: Request[Any, Any, Any],
        state: State,
        group_id: FromPath[int],
        session_date: FromPath[dt.date],
        q: FromQuery[str] = "",
    ) -> Template:
        """The list alone, for the live search."""
        return page(
            request,
            "ops/attendance_children.html",
            **await _sheet_context(state, group_id, session_date, q),
        )

    @post("/groups/{group_id:int}/{session_date:date}/people/{person_id:int}")
    async def mark(
        self,
        request: Request[Any, Any, Any],
        state: State,
        group_id: FromPath[int],
        session_date: FromPath[dt.date],
        person_id: FromPath[int],
        data: Form,
    ) -> Response[Any]:
        """Mark one child present or not; logged with the staff member who tapped."""
        pool = resources(state).services.pool
        staff = current_account(request)
        present = data.get("present") == "true"
        await mark_attendance(
            pool,
            group_id=group_id,
            person_id=person_id,
            session_date=session_date,
            present=present,
            account_id=staff.id,
        )
        await log_staff_action(
            pool,
            staff.id,
            "attendance",
            None,
            group_id=group_id,
            person_id=person_id,
            session_date=session_date.isoformat(),
            present=present,
        )
        return await _changed_row(request, state, group_id, session_date, person_id)

    @post("/groups/{group_id:int}/{session_date:date}/people/{person_id:int}/sign-out")
    async def sign_out(
        self,
        request: Request[Any, Any, Any],
        state: State,
        group_id: FromPath[int],
        session_date: FromPath[dt.date],
        person_id: FromPath[int],
        data: Form,
    ) -> Response[Any]:
        """Record who took the child home, now; someone the family does not allow: 422."""
        pool = resources(state).services.pool
        staff = current_account(request)
        chosen = await sign_out(
            pool,
            group_id=group_id,
            person_id=person_id,
            session_date=session_date,
            pickup_name=data.get("pickup", ""),
            account_id=staff.id,
        )
        await log_staff_action(
            pool,
            staff.id,
            "sign_out",
            None,
            group_id=group_id,
            person_id=person_id,
            session_date=session_date.isoformat(),
            guardian=chosen.guardian,
        )
        return await _changed_row(request, state, group_id, session_date, person_id)


async def _changed_row(
    request: Request[Any, Any, Any],
    state: State,
    group_id: int,
    session_date: dt.date,
    person_id: int,
) -> Response[Any]:
    """Back to the sheet without JavaScript; with htmx, the child's new row and the counts."""
    if not request.headers.get("hx-request"):
        return Redirect(_sheet_url(group_id, session_date))
    sheet = await attendance_sheet(resources(state).services.pool, group_id, session_date)
    return page(
        request,
        "ops/attendance_marked.html",
        sheet=sheet,
        child=next((c for c in sheet.children if c.person_id == person_id), None),
        base=_sheet_url(group_id, session_date),
    )
