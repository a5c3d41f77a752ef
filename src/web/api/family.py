"""The family file through the API: its members (the portal edits the full file)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from rush.families.accounts import Person, family_person, family_persons
from rush.families.family_file_storage import add_child
from rush.families.family_file_types import ChildDetails, Sex
from web.auth import current_account, family_only
from web.state import resources


class NewChild(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A child as the API receives it; the family file's validation judges every value, as it
    does for the portal's form, and a refused one answers `family_file_invalid`."""

    first_name: str
    last_name: str
    birth_date: dt.date
    sex: Sex | None = None
    health_insurance_number: str | None = None

    def details(self) -> ChildDetails:
        return ChildDetails(**msgspec.structs.asdict(self))


def family_id_of(request: Request[Any, Any, Any]) -> int:
    family_id = current_account(request).family_id
    assert family_id is not None  # guaranteed by the family_only guard
    return family_id


class FamilyController(Controller):
    path = "/api/v1/family"
    tags = ["family"]
    guards = [family_only]

    @get("/persons")
    async def persons(self, request: Request[Any, Any, Any], state: State) -> list[Person]:
        return await family_persons(resources(state).services.pool, family_id_of(request))

    @post("/children", status_code=HTTP_201_CREATED)
    async def add_child(
        self, request: Request[Any, Any, Any], state: State, data: JSONBody[NewChild]
    ) -> Person:
        services, family_id = resources(state).services, family_id_of(request)
        child_id = await add_child(services.pool, services.cipher, family_id, data.details())
        return await family_person(services.pool, family_id, child_id)
