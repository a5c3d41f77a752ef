"""Printable documents a family downloads: the Relevé 24 and payment receipts, as PDF bytes.

Builders are pure functions of the data the caller passes (no database, no clock), so the
same data always gives the same bytes, and any edge (page, API, email job) can serve them.
"""

from __future__ import annotations

from rush.documents.payment_receipt import (
    PaidInstalment,
    PaymentReceiptData,
    ReceiptLine,
    payment_receipt_pdf,
)
from rush.documents.releve24 import Child, Issuer, Payer, Releve24Data, releve24_pdf

__all__ = [
    "Child",
    "Issuer",
    "PaidInstalment",
    "Payer",
    "PaymentReceiptData",
    "ReceiptLine",
    "Releve24Data",
    "payment_receipt_pdf",
    "releve24_pdf",
]
