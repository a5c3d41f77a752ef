"""Public pages: home, catalogue with live places, language choice."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import msgspec
from litestar import Controller, Request, get
from litestar.datastructures import Cookie, State
from litestar.exceptions import ValidationException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from rush.catalogue.reading import CatalogueGroup, catalogue_groups
from rush.i18n import SUPPORTED_LOCALES
from rush.purchase.policies import current_policies
from web.locale import LANGUAGE_COOKIE, request_locale
from web.pages.render import page
from web.state import resources

__all__ = ["PortalPages"]

_A_YEAR = 365 * 24 * 3600


class GroupRow(msgspec.Struct, frozen=True):
    id: int
    name: str
    schedule: str
    price_cents: int
    age_min: int | None
    age_max: int | None
    places_left: int
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    week_number: int | None = None
    daycare_for_group_id: int | None = None
    """Set on a daycare slot: the camp week it belongs under."""


class ProgramCard(msgspec.Struct, frozen=True):
    id: int
    sale_id: int
    kind: str
    """What a cap on this program counts: camp weeks for a day camp, places otherwise."""
    name: str
    description: str
    groups: list[GroupRow]


def _fits(group: CatalogueGroup, age: int | None) -> bool:
    if age is None:
        return True
    low = group.age_min if group.age_min is not None else 0
    high = group.age_max if group.age_max is not None else 200
    return low <= age <= high


def program_cards(groups: list[CatalogueGroup], locale: str, age: int | None) -> list[ProgramCard]:
    """Groups gathered by program, named in the family's language, filtered by the child's age."""
    english = locale == "en"
    by_program: dict[int, list[CatalogueGroup]] = defaultdict(list)
    for group in groups:
        if _fits(group, age):
            by_program[group.program_id].append(group)
    cards = []
    for program_id, members in by_program.items():
        first = members[0]
        cards.append(
            ProgramCard(
                id=program_id,
                sale_id=first.sale_id,
                kind=first.program_kind,
                name=first.program_name_en if english else first.program_name_fr,
                description=first.program_description_en
                if english
                else first.program_description_fr,
                groups=[
                    GroupRow(
                        id=g.id,
                        name=g.name_en if english else g.name_fr,
                        schedule=g.schedule_en if english else g.schedule_fr,
                        price_cents=g.price_cents,
                        age_min=g.age_min,
                        age_max=g.age_max,
                        places_left=g.places_left,
                        starts_on=g.starts_on,
                        ends_on=g.ends_on,
                        week_number=g.week_number,
                        daycare_for_group_id=g.daycare_for_group_id,
                    )
                    for g in members
                ],
            )
        )
    return cards


def _optional_int(text: str | None, field: str) -> int | None:
    """A whole number typed in a filter, or None when the field was left empty."""
    if text is None or not text.strip():
        return None
    if not text.strip().isdigit() or len(text.strip()) > 9:
        raise ValidationException(extra=[{"key": field, "message": "a whole number"}])
    return int(text)


class PortalPages(Controller):
    include_in_schema = False

    @get("/")
    async def home(self, request: Request[Any, Any, Any], state: State) -> Template:
        return page(request, "pages/home.html")

    @get("/catalogue")
    async def catalogue(
        self,
        request: Request[Any, Any, Any],
        state: State,
        sale_id: FromQuery[str | None] = None,
        age: FromQuery[str | None] = None,
        kind: FromQuery[str | None] = None,
    ) -> Template:
        """Programs of the season by type, for a child's age, with places left live; the
        filter form sends an empty field for "any", which means no filter."""
        return await self._catalogue(
            request, state, _optional_int(sale_id, "sale_id"), _optional_int(age, "age"), kind
        )

    async def _catalogue(
        self,
        request: Request[Any, Any, Any],
        state: State,
        sale_id: int | None,
        age: int | None,
        kind: str | None,
    ) -> Template:
        services = resources(state).services
        groups = await catalogue_groups(services.pool, services.engine, sale_id)
        kinds = sorted({g.program_kind for g in groups})
        if kind:
            groups = [g for g in groups if g.program_kind == kind]
        programs = program_cards(groups, request_locale(request), age)
        return page(
            request,
            "pages/catalogue.html",
            programs=programs,
            sale_id=sale_id,
            age=age,
            kind=kind,
            kinds=kinds,
        )

    @get("/terms")
    async def terms(self, request: Request[Any, Any, Any], state: State) -> Template:
        """The payment terms and refund policy in force: what a family accepts at checkout."""
        policies = await current_policies(resources(state).services.pool)
        return page(request, "pages/terms.html", policies=policies)

    @get("/catalogue/programs/{program_id:int}/places")
    async def program_places(
        self,
        request: Request[Any, Any, Any],
        state: State,
        program_id: FromPath[int],
        age: FromQuery[int | None] = None,
    ) -> Template:
        """The live part of a program card, polled by htmx without reloading the page."""
        services = resources(state).services
        groups = await catalogue_groups(services.pool, services.engine, None, program_id)
        cards = program_cards(groups, request_locale(request), age)
        return page(request, "pages/_groups.html", program=cards[0] if cards else None)

    @get("/lang/{code:str}")
    async def choose_language(
        self, state: State, code: FromPath[str], next: FromQuery[str] = "/"
    ) -> Redirect:
        """Keep the language in a cookie; only local paths are followed afterwards."""
        target = next if next.startswith("/") and not next.startswith("//") else "/"
        if code not in SUPPORTED_LOCALES:
            return Redirect(target)
        chosen = Cookie(
            key=LANGUAGE_COOKIE,
            value=code,
            max_age=_A_YEAR,
            path="/",
            samesite="lax",
            secure=resources(state).settings.secure_cookies,
        )
        return Redirect(target, cookies=[chosen])
