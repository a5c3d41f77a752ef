"""Is my file ready? What a family must still fill in before a sale opens, with where to fix it.

The domain's `readiness()` gives stable issue codes; this page turns each into one line of a
checklist linking to the form that fixes it, so nothing is discovered at 8:59 on opening day.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from litestar import Controller, Request, get
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from rush.db import query
from rush.families.accounts import family_persons
from rush.families.readiness import Issue, readiness
from web.auth import family_only
from web.locale import request_locale
from web.pages.family_access import page_family_id
from web.pages.render import page
from web.state import resources

__all__ = ["ReadinessItem", "SaleReadinessPage", "readiness_items"]


class ReadinessItem(NamedTuple):
    """One thing still missing: the issue code, the child it is about, the page that fixes it."""

    code: str
    child: str | None
    href: str | None


def _fix_href(issue: Issue) -> str | None:
    """The form that fixes the issue; family_not_approved has none (staff approve files)."""
    child = f"/family/children/{issue.person_id}"
    return {
        "address_missing": "/family/address",
        "tax_payer_missing": "/family/tax-payer",
        "health_sheet_missing": f"{child}/health",
        "emergency_contact_missing": f"{child}/contacts",
    }.get(issue.code)


def readiness_items(issues: list[Issue], names: dict[int, str]) -> list[ReadinessItem]:
    return [
        ReadinessItem(
            issue.code,
            names.get(issue.person_id) if issue.person_id is not None else None,
            _fix_href(issue),
        )
        for issue in issues
    ]


class SaleReadinessPage(Controller):
    guards = [family_only]
    path = "/sales/{sale_id:int}"
    include_in_schema = False

    @get("/ready")
    async def readiness_page(
        self, request: Request[Any, Any, Any], state: State, sale_id: FromPath[int]
    ) -> Template:
        res, family_id = resources(state), page_family_id(request)
        sale = await res.services.pool.fetchrow(query("sale_for_page"), sale_id)
        if sale is None:
            raise NotFoundException()
        report = await readiness(res.services.pool, family_id)
        names = {
            p.id: f"{p.first_name} {p.last_name}"
            for p in await family_persons(res.services.pool, family_id)
        }
        english = request_locale(request) == "en"
        return page(
            request,
            "pages/family/ready.html",
            sale={"id": sale_id, "name": sale["name_en"] if english else sale["name_fr"]},
            items=readiness_items(report.issues, names),
        )
