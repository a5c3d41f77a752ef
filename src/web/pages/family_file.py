"""Mon dossier familial: the family file's overview and the forms that fill it in.

Every handler takes the family from the session (`page_family_id`) and, when the URL names a
person, finds that person in this family's file before reading the form: another family's
person answers 404 (`PersonNotInFamily`) whatever the form holds. A refused form is shown again
with status 400 and every refused input explained; a saved one goes back to the overview.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from rush.errors import PersonNotInFamily
from rush.families.family_file_storage import (
    add_adult,
    add_child,
    get_family_file,
    set_address,
    set_contacts,
    set_health_sheet,
    set_tax_payer,
    update_adult,
    update_child,
)
from rush.families.family_file_types import Adult, Child, Contact, FamilyFile, FamilyFileInvalid
from rush.families.family_file_validation import quebec_today
from rush.i18n import error_message
from web.auth import family_only
from web.i18n import page_translator
from web.locale import request_locale
from web.pages import family_forms as forms
from web.pages.family_access import page_family_id
from web.pages.family_messages import field_errors, province_names
from web.pages.render import page
from web.state import Resources, resources

__all__ = ["FamilyFilePages"]

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
AnyRequest = Request[Any, Any, Any]

_OVERVIEW = "/family"
_ADULT = "pages/family/adult.html"
_ADDRESS = "pages/family/address.html"
_CHILD = "pages/family/child.html"
_HEALTH = "pages/family/health.html"
_CONTACTS = "pages/family/contacts.html"
_TAX_PAYER = "pages/family/tax_payer.html"
_SPARE_CONTACT_ROWS = 4
"""Empty rows offered under the contacts already on file: a form without JavaScript."""


async def _file(res: Resources, family_id: int) -> FamilyFile:
    return await get_family_file(res.services.pool, res.services.cipher, family_id)


def _adult(file: FamilyFile, person_id: int) -> Adult:
    found = next((a for a in file.adults if a.id == person_id), None)
    if found is None:
        raise PersonNotInFamily(person_id)
    return found


def _child(file: FamilyFile, person_id: int) -> Child:
    found = next((c for c in file.children if c.id == person_id), None)
    if found is None:
        raise PersonNotInFamily(person_id)
    return found


def _values(struct: msgspec.Struct) -> dict[str, str]:
    """A saved piece as the form's inputs hold it: text, a ticked box as "on"."""

    def as_input(value: object) -> str:
        if isinstance(value, bool):
            return "on" if value else ""
        return "" if value is None else str(value)

    return {name: as_input(value) for name, value in msgspec.structs.asdict(struct).items()}


def _contact_values(contacts: list[Contact]) -> tuple[dict[str, str], int]:
    """The contacts as `contact-<row>-<field>` inputs, and how many rows the form shows."""
    values = {
        f"contact-{row}-{field}": value
        for row, contact in enumerate(contacts)
        for field, value in _values(contact).items()
    }
    return values, min(len(contacts) + _SPARE_CONTACT_ROWS, forms.CONTACT_ROWS)


def _gettext(request: AnyRequest) -> Callable[[str], str]:
    return page_translator(request_locale(request)).gettext


def _province_choices(request: AnyRequest) -> list[tuple[str, str]]:
    return list(province_names(_gettext(request)).items())


def _reasons(exc: forms.FormInvalid | FamilyFileInvalid) -> dict[str, str]:
    if isinstance(exc, forms.FormInvalid):
        return dict(exc.reasons)
    return {exc.field: exc.reason}


def _form_page(
    request: AnyRequest,
    template: str,
    values: Mapping[str, Any],
    reasons: Mapping[str, str] | None = None,
    **context: Any,
) -> Template:
    """A form, filled with `values`; with `reasons`, every refused input explained (400)."""
    locale = request_locale(request)
    errors = field_errors(reasons or {}, list(values), _gettext(request))
    return page(
        request,
        template,
        status_code=400 if errors else 200,
        form=values,
        errors=errors,
        error_title=error_message("family_file_invalid", locale),
        **context,
    )


class FamilyFilePages(Controller):
    guards = [family_only]
    path = "/family"
    include_in_schema = False

    @get()
    async def overview(self, request: AnyRequest, state: State) -> Template:
        file = await _file(resources(state), page_family_id(request))
        payer = next(
            (a for a in file.adults if file.tax_payer and a.id == file.tax_payer.person_id), None
        )
        return page(
            request,
            "pages/family/overview.html",
            file=file,
            payer=payer,
            provinces=province_names(_gettext(request)),
        )

    # -- adults ---------------------------------------------------------------------------------

    @get("/adults/new")
    async def new_adult_page(self, request: AnyRequest) -> Template:
        page_family_id(request)
        return _form_page(request, _ADULT, {}, adult=None)

    @post("/adults/new")
    async def create_adult(
        self, request: AnyRequest, state: State, data: Form
    ) -> Template | Redirect:
        res, family_id = resources(state), page_family_id(request)
        try:
            await add_adult(res.services.pool, family_id, forms.adult_details(data))
        except (forms.FormInvalid, FamilyFileInvalid) as exc:
            return _form_page(request, _ADULT, data, _reasons(exc), adult=None)
        return Redirect(_OVERVIEW)

    @get("/adults/{person_id:int}")
    async def adult_page(
        self, request: AnyRequest, state: State, person_id: FromPath[int]
    ) -> Template:
        adult = _adult(await _file(resources(state), page_family_id(request)), person_id)
        return _form_page(request, _ADULT, _values(adult.details), adult=adult)

    @post("/adults/{person_id:int}")
    async def save_adult(
        self, request: AnyRequest, state: State, person_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        res, family_id = resources(state), page_family_id(request)
        adult = _adult(await _file(res, family_id), person_id)
        try:
            await update_adult(res.services.pool, family_id, person_id, forms.adult_details(data))
        except (forms.FormInvalid, FamilyFileInvalid) as exc:
            return _form_page(request, _ADULT, data, _reasons(exc), adult=adult)
        return Redirect(_OVERVIEW)

    # -- address --------------------------------------------------------------------------------

    @get("/address")
    async def address_page(self, request: AnyRequest, state: State) -> Template:
        file = await _file(resources(state), page_family_id(request))
        values = _values(file.address) if file.address else {"province": "QC"}
        return _form_page(request, _ADDRESS, values, provinces=_province_choices(request))

    @post("/address")
    async def save_address(
        self, request: AnyRequest, state: State, data: Form
    ) -> Template | Redirect:
        res, family_id = resources(state), page_family_id(request)
        try:
            await set_address(res.services.pool, family_id, forms.form_address(data))
        except (forms.FormInvalid, FamilyFileInvalid) as exc:
            provinces = _province_choices(request)
            return _form_page(request, _ADDRESS, data, _reasons(exc), provinces=provinces)
        return Redirect(_OVERVIEW)

    # -- children -------------------------------------------------------------------------------

    @get("/children/new")
    async def new_child_page(self, request: AnyRequest, state: State) -> Template:
        file = await _file(resources(state), page_family_id(request))
        # Most children carry a parent's last name: one field less to type on a phone.
        values = {"last_name": file.adults[0].details.last_name} if file.adults else {}
        return _form_page(request, _CHILD, values, child=None)

    @post("/children/new")
    async def create_child(
        self, request: AnyRequest, state: State, data: Form
    ) -> Template | Redirect:
        res, family_id = resources(state), page_family_id(request)
        try:
            details = forms.child_details(data, quebec_today())
            await add_child(res.services.pool, res.services.cipher, family_id, details)
        except (forms.FormInvalid, FamilyFileInvalid) as exc:
            return _form_page(request, _CHILD, data, _reasons(exc), child=None)
        return Redirect(_OVERVIEW)

    @get("/children/{person_id:int}")
    async def child_page(
        self, request: AnyRequest, state: State, person_id: FromPath[int]
    ) -> Template:
        child = _child(await _file(resources(state), page_family_id(request)), person_id)
        return _form_page(request, _CHILD, _values(child.details), child=child)

    @post("/children/{person_id:int}")
    async def save_child(
        self, request: AnyRequest, state: State, person_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        res, family_id = resources(state), page_family_id(request)
        child = _child(await _file(res, family_id), person_id)
        try:
            details = forms.child_details(data, quebec_today())
            await update_child(res.services.pool, res.services.cipher, family_id, child.id, details)
        except (forms.FormInvalid, FamilyFileInvalid) as exc:
            return _form_page(request, _CHILD, data, _reasons(exc), child=child)
        return Redirect(_OVERVIEW)

    @get("/children/{person_id:int}/health")
    async def health_page(
        self, request: AnyRequest, state: State, person_id: FromPath[int]
    ) -> Template:
        child = _child(await _file(resources(state), page_family_id(request)), person_id)
        values = _values(child.health_sheet) if child.health_sheet else {}
        return _form_page(request, _HEALTH, values, child=child)

    @post("/children/{person_id:int}/health")
    async def save_health(
        self, request: AnyRequest, state: State, person_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        res, family_id = resources(state), page_family_id(request)
        child = _child(await _file(res, family_id), person_id)
        try:
            await set_health_sheet(res.services.pool, family_id, child.id, forms.health_sheet(data))
        except (forms.FormInvalid, FamilyFileInvalid) as exc:
            return _form_page(request, _HEALTH, data, _reasons(exc), child=child)
        return Redirect(_OVERVIEW)

    @get("/children/{person_id:int}/contacts")
    async def contacts_page(
        self, request: AnyRequest, state: State, person_id: FromPath[int]
    ) -> Template:
        child = _child(await _file(resources(state), page_family_id(request)), person_id)
        values, rows = _contact_values(child.contacts)
        return _form_page(request, _CONTACTS, values, child=child, rows=rows)

    @post("/children/{person_id:int}/contacts")
    async def save_contacts(
        self, request: AnyRequest, state: State, person_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        res, family_id = resources(state), page_family_id(request)
        child = _child(await _file(res, family_id), person_id)
        try:
            await set_contacts(res.services.pool, family_id, child.id, forms.contacts(data))
        except (forms.FormInvalid, FamilyFileInvalid) as exc:
            rows = max(_contact_values(child.contacts)[1], _rows_sent(data))
            return _form_page(request, _CONTACTS, data, _reasons(exc), child=child, rows=rows)
        return Redirect(_OVERVIEW)

    # -- Relevé 24 ------------------------------------------------------------------------------

    @get("/tax-payer")
    async def tax_payer_page(self, request: AnyRequest, state: State) -> Template:
        file = await _file(resources(state), page_family_id(request))
        chosen = file.tax_payer.person_id if file.tax_payer else None
        values = {"person_id": str(chosen or ""), "sin": ""}
        return _form_page(request, _TAX_PAYER, values, file=file)

    @post("/tax-payer")
    async def save_tax_payer(
        self, request: AnyRequest, state: State, data: Form
    ) -> Template | Redirect:
        """The chosen adult must be this family's (the domain answers 404 otherwise)."""
        res, family_id = resources(state), page_family_id(request)
        try:
            person_id, sin = forms.tax_payer(data)
            await set_tax_payer(res.services.pool, res.services.cipher, family_id, person_id, sin)
        except (forms.FormInvalid, FamilyFileInvalid) as exc:
            file = await _file(res, family_id)
            # The SIN is never sent back, not even the mistyped one: it is typed again.
            values = {"person_id": forms.text(data, "person_id"), "sin": ""}
            return _form_page(request, _TAX_PAYER, values, _reasons(exc), file=file)
        return Redirect(_OVERVIEW)


def _rows_sent(data: Mapping[str, Any]) -> int:
    """How many contact rows the refused form had, so none of the parent's typing is lost."""
    rows = [
        int(name.split("-")[1])
        for name in data
        if name.startswith("contact-") and name.split("-")[1].isdigit()
    ]
    return min(max(rows, default=-1) + 1, forms.CONTACT_ROWS)
