"""The staff home: every sale with its status and its live dashboard; admins also reach the
catalogue admin from here."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.datastructures import State
from litestar.response import Template

from rush.catalogue.admin import list_sales
from web.auth import staff_only
from web.ops.admin_render import named
from web.ops.catalogue_forms import STATUS_LABELS
from web.pages.render import page
from web.state import resources

__all__ = ["OpsHome"]


class OpsHome(Controller):
    path = "/ops"
    guards = [staff_only]
    include_in_schema = False

    @get("/")
    async def home(self, request: Request[Any, Any, Any], state: State) -> Template:
        return page(
            request,
            "ops/home.html",
            sales=await list_sales(resources(state).services.pool),
            status_labels=STATUS_LABELS,
            named=named(request),
        )
