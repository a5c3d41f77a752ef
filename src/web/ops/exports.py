"""CSV exports for staff: a group's registrations and health list, a sale's payments per day.

Every download is logged with who took it and which group or sale, since these files carry
families' contact details and children's health information out of Rush.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.response import Template

from rush.i18n import N_
from rush.ops.exports import (
    HealthContact,
    export_catalogue,
    group_header,
    health_rows,
    payments_per_day,
    registration_rows,
)
from rush.ops.staff_log import log_staff_action
from web.auth import current_account, staff_only
from web.i18n import page_translator
from web.locale import request_locale
from web.ops.csv_files import amount, csv_response, local_datetime, text
from web.pages.render import page
from web.state import resources

__all__ = ["ExportPages"]

Gettext = Callable[[str], str]

_REGISTRATION_HEADER = (
    N_("First name"),
    N_("Last name"),
    N_("Birth date"),
    N_("Age"),
    N_("Parent or guardian"),
    N_("Phone"),
    N_("Email"),
    N_("Daycare"),
    N_("T-shirt size"),
    N_("Other options"),
    N_("Order"),
    N_("Paid on"),
)
_HEALTH_HEADER = (
    N_("First name"),
    N_("Last name"),
    N_("Birth date"),
    N_("Allergies"),
    N_("EpiPen"),
    N_("Medication"),
    N_("Glasses"),
    N_("Contact lenses"),
    N_("Health notes"),
    N_("Parent or guardian"),
    N_("Phone"),
    N_("Emergency contacts"),
    N_("Allowed to pick up"),
    N_("Health sheet filled in"),
)
_PAYMENTS_HEADER = (
    N_("Date"),
    N_("Payments"),
    N_("Amount received"),
    N_("Refunds"),
    N_("Net"),
)


def _yes_no(value: bool, gettext: Gettext) -> str:
    return gettext("Yes") if value else gettext("No")


def _contacts(contacts: list[HealthContact]) -> str:
    return " | ".join(f"{c.name} ({c.relationship}) {c.phone}" for c in contacts)


class ExportPages(Controller):
    path = "/ops/exports"
    guards = [staff_only]
    include_in_schema = False

    @get("/")
    async def index(self, request: Request[Any, Any, Any], state: State) -> Template:
        sales = await export_catalogue(resources(state).services.pool)
        return page(request, "ops/exports.html", sales=sales)

    @get("/groups/{group_id:int}/registrations.csv")
    async def registrations(
        self, request: Request[Any, Any, Any], state: State, group_id: FromPath[int]
    ) -> Response[bytes]:
        pool = resources(state).services.pool
        group = await group_header(pool, group_id)
        rows = await registration_rows(pool, group)
        locale = request_locale(request)
        gettext = page_translator(locale).gettext
        await log_staff_action(
            pool,
            current_account(request).id,
            "export_registrations",
            group.sale_id,
            group_id=group_id,
        )
        return csv_response(
            [gettext(h) for h in _REGISTRATION_HEADER],
            (
                [
                    text(r.first_name),
                    text(r.last_name),
                    r.birth_date.isoformat() if r.birth_date else "",
                    "" if r.age is None else str(r.age),
                    text(r.adult_name),
                    r.adult_phone,
                    text(r.adult_email),
                    _yes_no(r.daycare, gettext),
                    text(r.tshirt_size),
                    text(", ".join(f"{k}={v}" for k, v in sorted(r.other_options.items()))),
                    str(r.order_id),
                    local_datetime(r.paid_at),
                ]
                for r in rows
            ),
            f"registrations-group-{group_id}.csv",
            locale,
        )

    @get("/groups/{group_id:int}/health.csv")
    async def health(
        self, request: Request[Any, Any, Any], state: State, group_id: FromPath[int]
    ) -> Response[bytes]:
        pool = resources(state).services.pool
        group = await group_header(pool, group_id)
        rows = await health_rows(pool, group_id)
        locale = request_locale(request)
        gettext = page_translator(locale).gettext
        await log_staff_action(
            pool, current_account(request).id, "export_health", group.sale_id, group_id=group_id
        )
        return csv_response(
            [gettext(h) for h in _HEALTH_HEADER],
            (
                [
                    text(r.first_name),
                    text(r.last_name),
                    r.birth_date.isoformat() if r.birth_date else "",
                    text(r.allergies),
                    _yes_no(r.epipen, gettext),
                    text(r.medication),
                    _yes_no(r.wears_glasses, gettext),
                    _yes_no(r.wears_contacts, gettext),
                    text(r.health_notes),
                    text(r.adult_name),
                    r.adult_phone,
                    text(_contacts(r.emergency_contacts)),
                    text(_contacts(r.pickup_contacts)),
                    _yes_no(r.has_health_sheet, gettext),
                ]
                for r in rows
            ),
            f"health-group-{group_id}.csv",
            locale,
        )

    @get("/sales/{sale_id:int}/payments.csv")
    async def payments(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> Response[bytes]:
        pool = resources(state).services.pool
        days = await payments_per_day(pool, sale_id)
        locale = request_locale(request)
        gettext = page_translator(locale).gettext
        await log_staff_action(pool, current_account(request).id, "export_payments", sale_id)
        return csv_response(
            [gettext(h) for h in _PAYMENTS_HEADER],
            (
                [
                    d.day.isoformat(),
                    str(d.payments),
                    amount(d.received_cents, locale),
                    amount(d.refunded_cents, locale),
                    amount(d.net_cents, locale),
                ]
                for d in days
            ),
            f"payments-sale-{sale_id}.csv",
            locale,
        )
