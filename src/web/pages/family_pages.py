"""The family file's pages and the readiness checklist, gathered so the app registers them once."""

from __future__ import annotations

from litestar import Router

from web.pages.family_file import FamilyFilePages
from web.pages.sale_readiness import SaleReadinessPage

__all__ = ["family_file_pages"]

family_file_pages = Router(
    path="/", route_handlers=[FamilyFilePages, SaleReadinessPage], include_in_schema=False
)
