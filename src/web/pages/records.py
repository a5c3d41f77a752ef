"""The "Mon dossier" pages: a family's places, orders, instalments, waitlist offers and documents.

Always the signed-in family's (`page_family_id`): ids in the path only pick among its own
children and orders, and another family's come back "not found". Documents are PDFs sent as
attachments, never cached, since a Relevé 24 carries the payer's social insurance number.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Annotated, Any, Final

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from rush.documents import payment_receipt_pdf, releve24_pdf
from rush.documents.family_documents import issuer_of, payment_receipt_for, releve24_for
from rush.families.records import family_records
from rush.purchase.waitlist import accept_offer
from web.auth import family_only
from web.locale import request_locale
from web.pages.family_access import page_family_id
from web.pages.render import page
from web.state import resources

__all__ = ["RecordsPages"]

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]

_YEAR_PDF: Final = re.compile(r"([0-9]{4})\.pdf")
_ORDER_PDF: Final = re.compile(r"([0-9a-fA-F-]{36})\.pdf")


def _path_match(pattern: re.Pattern[str], file_name: str) -> str:
    """The id inside a document's file name ("2026.pdf"); any other name is not found."""
    found = pattern.fullmatch(file_name)
    if found is None:
        raise NotFoundException()
    return found.group(1)


def _pdf(content: bytes, file_name: str) -> Response[bytes]:
    return Response(
        content=content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{file_name}"',
            "Cache-Control": "private, no-store",
        },
    )


class RecordsPages(Controller):
    guards = [family_only]
    path = "/records"
    include_in_schema = False

    @get("/")
    async def records_page(self, request: Request[Any, Any, Any], state: State) -> Template:
        res, family_id = resources(state), page_family_id(request)
        records = await family_records(res.services.pool, family_id)
        return page(request, "pages/records/index.html", records=records)

    @post("/waitlist/{entry_id:int}/accept")
    async def accept_waitlist_offer(
        self, request: Request[Any, Any, Any], state: State, entry_id: FromPath[int], data: Form
    ) -> Redirect:
        """Take an offered place: an order on it, then the payment page (or the order if free)."""
        res, family_id = resources(state), page_family_id(request)
        result = await accept_offer(
            res.services,
            res.provider,
            family_id,
            entry_id,
            accept_terms=data.get("accept_terms") == "on",
            return_url=f"{res.settings.public_base_url}/orders/{{order_id}}",
        )
        return Redirect(result.payment_url or f"/orders/{result.order_id}")

    @get("/releve24/{child_id:int}/{file_name:str}")
    async def releve24_download(
        self,
        request: Request[Any, Any, Any],
        state: State,
        child_id: FromPath[int],
        file_name: FromPath[str],
    ) -> Response[bytes]:
        """`/records/releve24/<child>/<tax year>.pdf`: one child's slip for one year."""
        res, family_id = resources(state), page_family_id(request)
        tax_year = int(_path_match(_YEAR_PDF, file_name))
        data = await releve24_for(
            res.services.pool,
            res.services.cipher,
            family_id,
            child_id,
            tax_year,
            issuer_of(res.settings),
        )
        pdf = await asyncio.to_thread(releve24_pdf, data, request_locale(request))
        return _pdf(pdf, f"releve24-{tax_year}-{child_id}.pdf")

    @get("/receipts/{file_name:str}")
    async def receipt_download(
        self, request: Request[Any, Any, Any], state: State, file_name: FromPath[str]
    ) -> Response[bytes]:
        """`/records/receipts/<order id>.pdf`: the receipt of one paid order."""
        res, family_id = resources(state), page_family_id(request)
        try:
            order_id = uuid.UUID(_path_match(_ORDER_PDF, file_name))
        except ValueError:
            raise NotFoundException() from None
        locale = request_locale(request)
        data = await payment_receipt_for(
            res.services.pool, family_id, order_id, issuer_of(res.settings), locale=locale
        )
        pdf = await asyncio.to_thread(payment_receipt_pdf, data, locale)
        return _pdf(pdf, f"recu-{data.order_ref}.pdf")
