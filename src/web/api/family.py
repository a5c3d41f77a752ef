"""The family file through the API: its members (the portal edits the full file)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from rush.families.accounts import Person, add_child, family_persons
from web.auth import current_account, family_only
from web.state import resources

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class NewChild(msgspec.Struct, frozen=True):
    first_name: Name
    last_name: Name
    birth_date: dt.date


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
        return await add_child(
            resources(state).services.pool,
            family_id_of(request),
            first_name=data.first_name,
            last_name=data.last_name,
            birth_date=data.birth_date,
        )
