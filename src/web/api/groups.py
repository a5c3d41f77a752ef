"""Groups on sale with their live places left."""

from __future__ import annotations

from litestar import Controller, get
from litestar.datastructures import State
from litestar.params import FromQuery

from rush.catalogue.reading import CatalogueGroup
from web.state import resources


class GroupsController(Controller):
    path = "/api/v1/groups"
    tags = ["catalogue"]

    @get("/")
    async def list_groups(
        self,
        state: State,
        sale_id: FromQuery[int | None] = None,
        program_id: FromQuery[int | None] = None,
    ) -> list[CatalogueGroup]:
        """Every group on sale (optionally one sale or one program) with its places left, as
        read by this server at most half a second ago (a hold reads them live)."""
        return await resources(state).services.catalogue.get((sale_id, program_id))
