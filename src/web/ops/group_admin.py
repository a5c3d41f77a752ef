"""Catalogue admin pages for groups and per-child caps: admins only, every change logged.

A new group is bookable at once (its places open in the hold engine as it is saved); a new
capacity goes through the engine and is refused below the places already paid or held.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from rush.catalogue.admin import get_program, get_sale, list_programs
from rush.catalogue.caps_admin import (
    create_child_cap,
    delete_child_cap,
    get_child_cap,
    list_child_caps,
    update_child_cap,
)
from rush.catalogue.fields import ChildCapFields, GroupFields
from rush.catalogue.group_admin import create_group, get_group, list_groups, update_group
from rush.errors import RushError
from rush.i18n import N_
from web.auth import current_account, staff_only
from web.ops.admin_render import Choices, form_page, named
from web.ops.catalogue_forms import CAP_FORM, GROUP_FORM, form_values, parse_form
from web.state import Resources, resources

__all__ = ["GroupAdminPages"]

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
AnyRequest = Request[Any, Any, Any]

_BLANKS = {
    "daycare_for_group_id": N_("None: an ordinary group"),
    "program_id": N_("Every program of the sale"),
}


def _programs_url(sale_id: int) -> str:
    return f"/ops/admin/sales/{sale_id}/programs"


def _caps_url(sale_id: int) -> str:
    return f"/ops/admin/sales/{sale_id}/caps"


class GroupAdminPages(Controller):
    path = "/ops/admin"
    guards = [staff_only]
    opt = {"admin": True}
    include_in_schema = False

    # -- groups -----------------------------------------------------------------------------------

    @get("/programs/{program_id:int}/groups/new")
    async def new_group(
        self, request: AnyRequest, state: State, program_id: FromPath[int]
    ) -> Template:
        program = await get_program(resources(state).services.pool, program_id)
        return await _group_form(request, state, program.sale_id, program_id, None, {})

    @post("/programs/{program_id:int}/groups/new")
    async def add_group(
        self, request: AnyRequest, state: State, program_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        services = resources(state).services
        program = await get_program(services.pool, program_id)
        try:
            fields = GroupFields(program_id=program_id, **parse_form(GROUP_FORM, data))
            await create_group(services.pool, services.engine, current_account(request).id, fields)
        except RushError as exc:
            return await _group_form(request, state, program.sale_id, program_id, None, data, exc)
        return Redirect(_programs_url(program.sale_id), status_code=303)

    @get("/groups/{group_id:int}")
    async def group(self, request: AnyRequest, state: State, group_id: FromPath[int]) -> Template:
        group = await get_group(resources(state).services.pool, group_id)
        return await _group_form(
            request,
            state,
            group.sale_id,
            group.program_id,
            group_id,
            form_values(GROUP_FORM, group),
            paid=group.paid_count,
        )

    @post("/groups/{group_id:int}")
    async def save_group(
        self, request: AnyRequest, state: State, group_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        services = resources(state).services
        current = await get_group(services.pool, group_id)
        try:
            fields = GroupFields(program_id=current.program_id, **parse_form(GROUP_FORM, data))
            await update_group(
                services.pool, services.engine, current_account(request).id, group_id, fields
            )
        except RushError as exc:
            return await _group_form(
                request,
                state,
                current.sale_id,
                current.program_id,
                group_id,
                data,
                exc,
                paid=current.paid_count,
            )
        return Redirect(_programs_url(current.sale_id), status_code=303)

    # -- per-child caps ---------------------------------------------------------------------------

    @get("/sales/{sale_id:int}/caps")
    async def caps(self, request: AnyRequest, state: State, sale_id: FromPath[int]) -> Template:
        return await _caps_page(request, resources(state), sale_id, {})

    @post("/sales/{sale_id:int}/caps")
    async def add_cap(
        self, request: AnyRequest, state: State, sale_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        res = resources(state)
        await get_sale(res.services.pool, sale_id)
        try:
            fields = ChildCapFields(sale_id=sale_id, **parse_form(CAP_FORM, data))
            await create_child_cap(res.services.pool, current_account(request).id, fields)
        except RushError as exc:
            return await _caps_page(request, res, sale_id, data, exc)
        return Redirect(_caps_url(sale_id), status_code=303)

    @get("/caps/{cap_id:int}")
    async def cap(self, request: AnyRequest, state: State, cap_id: FromPath[int]) -> Template:
        res = resources(state)
        cap = await get_child_cap(res.services.pool, cap_id)
        return await _cap_form(request, res, cap.sale_id, cap_id, form_values(CAP_FORM, cap))

    @post("/caps/{cap_id:int}")
    async def save_cap(
        self, request: AnyRequest, state: State, cap_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        res = resources(state)
        current = await get_child_cap(res.services.pool, cap_id)
        try:
            fields = ChildCapFields(sale_id=current.sale_id, **parse_form(CAP_FORM, data))
            await update_child_cap(res.services.pool, current_account(request).id, cap_id, fields)
        except RushError as exc:
            return await _cap_form(request, res, current.sale_id, cap_id, data, exc)
        return Redirect(_caps_url(current.sale_id), status_code=303)

    @post("/caps/{cap_id:int}/delete")
    async def remove_cap(
        self, request: AnyRequest, state: State, cap_id: FromPath[int]
    ) -> Redirect:
        pool = resources(state).services.pool
        cap = await get_child_cap(pool, cap_id)
        await delete_child_cap(pool, current_account(request).id, cap_id)
        return Redirect(_caps_url(cap.sale_id), status_code=303)


async def _group_form(
    request: AnyRequest,
    state: State,
    sale_id: int,
    program_id: int,
    group_id: int | None,
    values: Any,
    error: RushError | None = None,
    paid: int = 0,
) -> Template:
    """The group form; the daycare link offers the sale's ordinary groups, never the group."""
    pool = resources(state).services.pool
    program = await get_program(pool, program_id)
    name = named(request)
    programs = {p.id: name(p) for p in await list_programs(pool, sale_id)}
    linkable = [
        (g.id, f"{programs[g.program_id]} — {name(g)}")
        for g in await list_groups(pool, sale_id)
        if g.daycare_for_group_id is None and g.id != group_id
    ]
    new = group_id is None
    return form_page(
        request,
        fields=GROUP_FORM,
        values=values,
        error=error,
        choices={"daycare_for_group_id": linkable},
        blanks=_BLANKS,
        title=N_("New group") if new else N_("Edit the group"),
        subtitle=name(program),
        paid=None if new else paid,
        action=f"/ops/admin/programs/{program_id}/groups/new"
        if new
        else f"/ops/admin/groups/{group_id}",
        back=_programs_url(sale_id),
    )


async def _program_choices(request: AnyRequest, res: Resources, sale_id: int) -> Choices:
    name = named(request)
    return {
        "program_id": [(p.id, name(p)) for p in await list_programs(res.services.pool, sale_id)]
    }


async def _caps_page(
    request: AnyRequest,
    res: Resources,
    sale_id: int,
    values: Any,
    error: RushError | None = None,
) -> Template:
    """The sale's caps and, under them, the form that adds one."""
    pool = res.services.pool
    sale = await get_sale(pool, sale_id)
    choices = await _program_choices(request, res, sale_id)
    return form_page(
        request,
        template="ops/admin/caps.html",
        fields=CAP_FORM,
        values=values,
        error=error,
        choices=choices,
        blanks=_BLANKS,
        sale=sale,
        caps=await list_child_caps(pool, sale_id),
        program_names=dict(choices["program_id"]),
        action=_caps_url(sale_id),
        back=_programs_url(sale_id),
    )


async def _cap_form(
    request: AnyRequest,
    res: Resources,
    sale_id: int,
    cap_id: int,
    values: Any,
    error: RushError | None = None,
) -> Template:
    return form_page(
        request,
        fields=CAP_FORM,
        values=values,
        error=error,
        choices=await _program_choices(request, res, sale_id),
        blanks=_BLANKS,
        title=N_("Edit the per-child cap"),
        action=f"/ops/admin/caps/{cap_id}",
        back=_caps_url(sale_id),
    )
