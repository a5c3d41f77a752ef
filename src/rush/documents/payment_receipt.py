"""The receipt of what a family paid for an order, as a PDF in the family's language.

Registrations that are not childcare (swimming, sports, story time) get no Relevé 24; a family
still needs proof of payment, for its records or an employer's reimbursement. The receipt
lists the order's places (cancelled ones apart), the payments received and the refunds with
their dates; the totals are computed here from those lines, so they can never disagree with
them.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import msgspec

from rush.documents._pdf import Issuer, ReceiptDocument
from rush.documents._strings import text
from rush.i18n import format_date, format_money

__all__ = ["Issuer", "PaidInstalment", "PaymentReceiptData", "ReceiptLine", "payment_receipt_pdf"]

_GUTTER_MM: Final = 8.0


class ReceiptLine(msgspec.Struct, frozen=True):
    """One place of the order, with names already in the family's locale."""

    person_name: str
    program_name: str
    group_name: str
    amount_cents: int
    cancelled: bool = False
    """Cancelled by staff: listed apart and out of the order total."""


class PaidInstalment(msgspec.Struct, frozen=True):
    """A payment received: the whole order, or one of its instalments."""

    paid_on: dt.date
    amount_cents: int


class PaymentReceiptData(msgspec.Struct, frozen=True):
    """Everything a receipt prints; `issued_on` is its date and the PDF's creation date."""

    issuer: Issuer
    family_name: str
    order_ref: str
    issued_on: dt.date
    lines: list[ReceiptLine]
    payments: list[PaidInstalment]
    refunds: list[PaidInstalment] = []
    """Money given back, each on the day it was refunded."""

    def __post_init__(self) -> None:
        amounts = [line.amount_cents for line in self.lines]
        amounts += [payment.amount_cents for payment in [*self.payments, *self.refunds]]
        if any(amount < 0 for amount in amounts):
            raise ValueError("amounts on a receipt cannot be negative")


def _header(pdf: ReceiptDocument, data: PaymentReceiptData, locale: str) -> None:
    x, top = pdf.l_margin, pdf.get_y()
    width = (pdf.content_width - _GUTTER_MM) / 2
    pdf.lines(x, width, [text(locale, "Payment receipt")], size=16, bold=True)
    pdf.ln(2)
    issuer = data.issuer
    pdf.lines(x, width, [issuer.name], bold=True)
    pdf.lines(x, width, issuer.address_lines)
    number_label = text(locale, "Quebec enterprise number (NEQ) or business number")
    number = text(locale, "{label}: {value}").format(
        label=number_label, value=issuer.neq_or_business_number
    )
    pdf.lines(x, width, [number], size=9)
    issuer_bottom = pdf.get_y()

    pdf.set_y(top)
    facts_x = x + width + _GUTTER_MM
    for label, value in (
        ("Receipt date", format_date(data.issued_on, locale)),
        ("Order number", data.order_ref),
        ("Family", data.family_name),
    ):
        pdf.label(facts_x, width, text(locale, label), None)
        pdf.lines(facts_x, width, [value], bold=True)
        pdf.ln(1)
    pdf.set_y(max(issuer_bottom, pdf.get_y()))


def _table(
    pdf: ReceiptDocument, headings: list[str], rows: list[list[str]], widths: tuple[int, ...]
) -> None:
    """Rows under bold headings, the last column (an amount) right-aligned."""
    pdf.style(9.5)
    align = ("LEFT",) * (len(headings) - 1) + ("RIGHT",)
    with pdf.table(
        col_widths=widths,
        text_align=align,
        borders_layout="HORIZONTAL_LINES",
        line_height=5.5,
        padding=(1, 1.5),
    ) as table:
        for cells in [headings, *rows]:
            row = table.row()
            for cell in cells:
                row.cell(cell)


def _total(pdf: ReceiptDocument, label: str, cents: int, locale: str) -> None:
    pdf.style(10.5, bold=True)
    label_width = pdf.content_width * 0.75
    pdf.cell(label_width, 6.5, label, align="R")
    pdf.cell(pdf.content_width - label_width, 6.5, format_money(cents, locale), align="R")
    pdf.ln()


def _section(pdf: ReceiptDocument, heading: str) -> None:
    pdf.ln(5)
    pdf.lines(pdf.l_margin, pdf.content_width, [heading], size=12, bold=True)
    pdf.ln(1.5)


def _lines_table(pdf: ReceiptDocument, lines: list[ReceiptLine], locale: str) -> None:
    _table(
        pdf,
        [text(locale, heading) for heading in ("Person", "Program", "Group", "Amount")],
        [
            [
                line.person_name,
                line.program_name,
                line.group_name,
                format_money(line.amount_cents, locale),
            ]
            for line in lines
        ],
        (30, 40, 30, 20),
    )


def _dated_table(
    pdf: ReceiptDocument, amounts: list[PaidInstalment], headings: tuple[str, str], locale: str
) -> None:
    """Numbered payments or refunds: `headings` name the number and the date columns."""
    _table(
        pdf,
        [text(locale, heading) for heading in (*headings, "Amount")],
        [
            [
                str(number),
                format_date(item.paid_on, locale),
                format_money(item.amount_cents, locale),
            ]
            for number, item in enumerate(amounts, start=1)
        ],
        (20, 60, 40),
    )


def payment_receipt_pdf(data: PaymentReceiptData, locale: str) -> bytes:
    """The receipt as PDF bytes, every word, amount and date in `locale`."""
    title = text(locale, "Payment receipt")
    pdf = ReceiptDocument(
        title=f"{title} {data.order_ref}",
        locale=locale,
        author=data.issuer.name,
        created_on=data.issued_on,
    )
    _header(pdf, data, locale)
    pdf.rule()

    kept = [line for line in data.lines if not line.cancelled]
    cancelled = [line for line in data.lines if line.cancelled]
    _section(pdf, text(locale, "Registrations"))
    _lines_table(pdf, kept, locale)
    order_total = sum(line.amount_cents for line in kept)
    _total(pdf, text(locale, "Order total"), order_total, locale)
    if cancelled:
        _section(pdf, text(locale, "Cancelled registrations"))
        _lines_table(pdf, cancelled, locale)

    _section(pdf, text(locale, "Payments received"))
    if data.payments:
        _dated_table(pdf, data.payments, ("Instalment", "Paid on"), locale)
    paid = sum(payment.amount_cents for payment in data.payments)
    _total(pdf, text(locale, "Total paid"), paid, locale)
    if data.refunds:
        _section(pdf, text(locale, "Refunds"))
        _dated_table(pdf, data.refunds, ("Refund", "Refunded on"), locale)
        refunded = sum(refund.amount_cents for refund in data.refunds)
        _total(pdf, text(locale, "Total refunded"), refunded, locale)
        paid -= refunded
        _total(pdf, text(locale, "Net paid"), paid, locale)
    if order_total > paid:
        _total(pdf, text(locale, "Balance due"), order_total - paid, locale)

    pdf.ln(8)
    note = text(locale, "Keep this receipt for your records.")
    pdf.lines(pdf.l_margin, pdf.content_width, [note], size=9, note=True)
    return pdf.render()
