"""Catalogue admin pages for seasons, sales and programs: admins only, every change logged.

A refused form comes back with its values and the reason beside the input (4xx); a saved one
goes back to the list it belongs to. Groups and per-child caps are in `web.ops.group_admin`.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from rush.catalogue.admin import (
    create_program,
    create_sale,
    create_season,
    get_program,
    get_sale,
    get_season,
    list_programs,
    list_sales,
    list_seasons,
    update_program,
    update_sale,
    update_season,
)
from rush.catalogue.caps_admin import list_child_caps
from rush.catalogue.fields import PROGRAM_KINDS, ProgramFields, SaleFields, SeasonFields
from rush.catalogue.group_admin import list_groups
from rush.errors import RushError
from rush.i18n import N_
from web.auth import current_account, staff_only
from web.i18n import page_translator
from web.locale import request_locale
from web.ops.admin_render import Choices, form_page, named
from web.ops.catalogue_forms import (
    KIND_LABELS,
    PROGRAM_FORM,
    SALE_FORM,
    SEASON_FORM,
    STATUS_LABELS,
    form_values,
    parse_form,
)
from web.pages.render import page
from web.state import resources

__all__ = ["ADMIN_HOME", "CatalogueAdminPages"]

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
AnyRequest = Request[Any, Any, Any]

ADMIN_HOME = "/ops/admin/seasons"
_SALE_EDIT_FORM = SALE_FORM[1:]
"""A sale keeps its season: its programs carry the season too."""


def _programs_url(sale_id: int) -> str:
    return f"/ops/admin/sales/{sale_id}/programs"


def _kind_choices(request: AnyRequest) -> Choices:
    gettext = page_translator(request_locale(request)).gettext
    return {"kind": [(kind, gettext(KIND_LABELS[kind])) for kind in PROGRAM_KINDS]}


class CatalogueAdminPages(Controller):
    path = "/ops/admin"
    guards = [staff_only]
    opt = {"admin": True}
    include_in_schema = False

    # -- the overview -----------------------------------------------------------------------------

    @get("/seasons")
    async def seasons(self, request: AnyRequest, state: State) -> Template:
        pool = resources(state).services.pool
        seasons = await list_seasons(pool)
        return page(
            request,
            "ops/admin/seasons.html",
            seasons=seasons,
            season_names={s.id: named(request)(s) for s in seasons},
            sales=await list_sales(pool),
            status_labels=STATUS_LABELS,
            named=named(request),
        )

    # -- seasons ----------------------------------------------------------------------------------

    @get("/seasons/new")
    async def new_season(self, request: AnyRequest) -> Template:
        return _season_form(request, "/ops/admin/seasons/new", {})

    @post("/seasons/new")
    async def add_season(
        self, request: AnyRequest, state: State, data: Form
    ) -> Template | Redirect:
        pool = resources(state).services.pool
        try:
            fields = SeasonFields(**parse_form(SEASON_FORM, data))
            await create_season(pool, current_account(request).id, fields)
        except RushError as exc:
            return _season_form(request, "/ops/admin/seasons/new", data, exc)
        return Redirect(ADMIN_HOME, status_code=303)

    @get("/seasons/{season_id:int}")
    async def season(self, request: AnyRequest, state: State, season_id: FromPath[int]) -> Template:
        season = await get_season(resources(state).services.pool, season_id)
        return _season_form(
            request, f"/ops/admin/seasons/{season_id}", form_values(SEASON_FORM, season)
        )

    @post("/seasons/{season_id:int}")
    async def save_season(
        self, request: AnyRequest, state: State, season_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        pool = resources(state).services.pool
        await get_season(pool, season_id)
        try:
            fields = SeasonFields(**parse_form(SEASON_FORM, data))
            await update_season(pool, current_account(request).id, season_id, fields)
        except RushError as exc:
            return _season_form(request, f"/ops/admin/seasons/{season_id}", data, exc)
        return Redirect(ADMIN_HOME, status_code=303)

    # -- sales ------------------------------------------------------------------------------------

    @get("/sales/new")
    async def new_sale(self, request: AnyRequest, state: State) -> Template:
        return await _new_sale_form(request, state, {})

    @post("/sales/new")
    async def add_sale(self, request: AnyRequest, state: State, data: Form) -> Template | Redirect:
        services = resources(state).services
        try:
            fields = SaleFields(**parse_form(SALE_FORM, data))
            sale = await create_sale(
                services.pool, services.room, current_account(request).id, fields
            )
        except RushError as exc:
            return await _new_sale_form(request, state, data, exc)
        return Redirect(_programs_url(sale.id), status_code=303)

    @get("/sales/{sale_id:int}")
    async def sale(self, request: AnyRequest, state: State, sale_id: FromPath[int]) -> Template:
        sale = await get_sale(resources(state).services.pool, sale_id)
        return _sale_form(request, sale_id, form_values(_SALE_EDIT_FORM, sale))

    @post("/sales/{sale_id:int}")
    async def save_sale(
        self, request: AnyRequest, state: State, sale_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        services = resources(state).services
        current = await get_sale(services.pool, sale_id)
        try:
            values = parse_form(_SALE_EDIT_FORM, data)
            fields = SaleFields(season_id=current.season_id, **values)
            await update_sale(
                services.pool, services.room, current_account(request).id, sale_id, fields
            )
        except RushError as exc:
            return _sale_form(request, sale_id, data, exc)
        return Redirect(_programs_url(sale_id), status_code=303)

    # -- programs ---------------------------------------------------------------------------------

    @get("/sales/{sale_id:int}/programs")
    async def programs(self, request: AnyRequest, state: State, sale_id: FromPath[int]) -> Template:
        """The sale's programs, each with its groups: the page to build a sale from."""
        pool = resources(state).services.pool
        sale = await get_sale(pool, sale_id)
        groups = await list_groups(pool, sale_id)
        return page(
            request,
            "ops/admin/programs.html",
            sale=sale,
            programs=await list_programs(pool, sale_id),
            groups=groups,
            group_names={g.id: named(request)(g) for g in groups},
            caps=await list_child_caps(pool, sale_id),
            kind_labels=KIND_LABELS,
            status_labels=STATUS_LABELS,
            named=named(request),
        )

    @get("/sales/{sale_id:int}/programs/new")
    async def new_program(
        self, request: AnyRequest, state: State, sale_id: FromPath[int]
    ) -> Template:
        await get_sale(resources(state).services.pool, sale_id)
        return _program_form(request, sale_id, None, {})

    @post("/sales/{sale_id:int}/programs/new")
    async def add_program(
        self, request: AnyRequest, state: State, sale_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        pool = resources(state).services.pool
        await get_sale(pool, sale_id)
        try:
            fields = ProgramFields(sale_id=sale_id, **parse_form(PROGRAM_FORM, data))
            await create_program(pool, current_account(request).id, fields)
        except RushError as exc:
            return _program_form(request, sale_id, None, data, exc)
        return Redirect(_programs_url(sale_id), status_code=303)

    @get("/programs/{program_id:int}")
    async def program(
        self, request: AnyRequest, state: State, program_id: FromPath[int]
    ) -> Template:
        program = await get_program(resources(state).services.pool, program_id)
        return _program_form(
            request, program.sale_id, program_id, form_values(PROGRAM_FORM, program)
        )

    @post("/programs/{program_id:int}")
    async def save_program(
        self, request: AnyRequest, state: State, program_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        pool = resources(state).services.pool
        current = await get_program(pool, program_id)
        try:
            fields = ProgramFields(sale_id=current.sale_id, **parse_form(PROGRAM_FORM, data))
            await update_program(pool, current_account(request).id, program_id, fields)
        except RushError as exc:
            return _program_form(request, current.sale_id, program_id, data, exc)
        return Redirect(_programs_url(current.sale_id), status_code=303)


def _season_form(
    request: AnyRequest, action: str, values: Any, error: RushError | None = None
) -> Template:
    return form_page(
        request,
        fields=SEASON_FORM,
        values=values,
        error=error,
        title=N_("New season") if action.endswith("/new") else N_("Edit the season"),
        action=action,
        back=ADMIN_HOME,
    )


async def _new_sale_form(
    request: AnyRequest, state: State, values: Any, error: RushError | None = None
) -> Template:
    seasons = await list_seasons(resources(state).services.pool)
    return form_page(
        request,
        fields=SALE_FORM,
        values=values,
        error=error,
        choices={"season_id": [(s.id, named(request)(s)) for s in seasons]},
        title=N_("New sale"),
        action="/ops/admin/sales/new",
        back=ADMIN_HOME,
    )


def _sale_form(
    request: AnyRequest, sale_id: int, values: Any, error: RushError | None = None
) -> Template:
    return form_page(
        request,
        fields=_SALE_EDIT_FORM,
        values=values,
        error=error,
        title=N_("Edit the sale"),
        action=f"/ops/admin/sales/{sale_id}",
        back=_programs_url(sale_id),
    )


def _program_form(
    request: AnyRequest,
    sale_id: int,
    program_id: int | None,
    values: Any,
    error: RushError | None = None,
) -> Template:
    new = program_id is None
    return form_page(
        request,
        fields=PROGRAM_FORM,
        values=values,
        error=error,
        choices=_kind_choices(request),
        title=N_("New program") if new else N_("Edit the program"),
        action=f"/ops/admin/sales/{sale_id}/programs/new"
        if new
        else f"/ops/admin/programs/{program_id}",
        back=_programs_url(sale_id),
    )
