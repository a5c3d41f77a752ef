# ruff: noqa: RUF001 - labels use the en dash (U+2013) of the printed slip, on purpose.
"""The Relevé 24 (childcare expenses slip) of one child for one tax year, as a printable PDF.

Families claim Quebec's childcare tax credit from it, so its boxes keep the letters and
wording of Revenu Québec's RL-24: B days of care, C expenses paid, D the part not eligible
for the credit, E the eligible part (C - D). French is the official wording; the English
version glosses every French label in English instead of replacing it. It is the
municipality's own document, not the prescribed form, and says so at the bottom.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Final

import msgspec

from rush.documents._pdf import Issuer, ReceiptDocument
from rush.documents._strings import french, supported, text
from rush.i18n import format_date, format_money

__all__ = ["Child", "Issuer", "Payer", "Releve24Data", "releve24_pdf"]

_SIN: Final = re.compile(r"[0-9]{9}")
_TITLE: Final = "RL-24 slip – Childcare expenses"
_GUTTER_MM: Final = 8.0


class Payer(msgspec.Struct, frozen=True):
    """The individual (usually a parent) who paid the childcare expenses and claims the credit.

    `sin` is the social insurance number as 9 digits, without spaces; anything else is
    refused here, since a slip with a wrong number is worse than no slip.
    """

    full_name: str
    address_lines: list[str]
    sin: str

    def __post_init__(self) -> None:
        if not _SIN.fullmatch(self.sin):
            raise ValueError("a social insurance number is exactly 9 digits")


class Child(msgspec.Struct, frozen=True):
    full_name: str
    birth_date: dt.date


class Releve24Data(msgspec.Struct, frozen=True):
    """Everything one slip prints; amounts in cents, `eligible` being the part of `paid`
    that gives right to the credit (box E), so it cannot exceed it."""

    tax_year: int
    issuer: Issuer
    payer: Payer
    child: Child
    slip_number: str
    days_of_care: int | None
    eligible_amount_cents: int
    paid_amount_cents: int
    periods: list[tuple[dt.date, dt.date]]

    def __post_init__(self) -> None:
        if self.eligible_amount_cents < 0 or self.paid_amount_cents < 0:
            raise ValueError("amounts on a slip cannot be negative")
        if self.eligible_amount_cents > self.paid_amount_cents:
            raise ValueError("eligible expenses cannot exceed the expenses paid")
        if self.days_of_care is not None and self.days_of_care < 0:
            raise ValueError("the number of days of care cannot be negative")
        if any(start > end for start, end in self.periods):
            raise ValueError("a period of care cannot end before it starts")


def _format_sin(sin: str) -> str:
    return f"{sin[:3]} {sin[3:6]} {sin[6:]}"


_Gloss = Callable[[str], str | None]


def _gloss_for(locale: str) -> _Gloss:
    """The English gloss printed under each French label: only on the English version."""
    if supported(locale) == "en":
        return lambda message: message
    return lambda message: None


def _header(pdf: ReceiptDocument, data: Releve24Data, gloss: _Gloss) -> None:
    x, top = pdf.l_margin, pdf.get_y()
    title_width = pdf.content_width * 0.62
    pdf.lines(x, title_width, [french(_TITLE)], size=16, bold=True)
    if (english := gloss(_TITLE)) is not None:
        pdf.lines(x, title_width, [english], size=10, note=True)
    title_bottom = pdf.get_y()

    pdf.set_y(top)
    ids_x = x + title_width + _GUTTER_MM
    ids_width = pdf.content_width - title_width - _GUTTER_MM
    pdf.label(ids_x, ids_width, french("Tax year"), gloss("Tax year"))
    pdf.lines(ids_x, ids_width, [str(data.tax_year)], size=12, bold=True)
    pdf.ln(1.5)
    pdf.label(ids_x, ids_width, french("Slip number"), gloss("Slip number"))
    pdf.lines(ids_x, ids_width, [data.slip_number], size=11, bold=True)
    pdf.set_y(max(title_bottom, pdf.get_y()))


def _party(
    pdf: ReceiptDocument,
    x: float,
    width: float,
    heading: str,
    name: str,
    address_lines: list[str],
    number: tuple[str, str],
    gloss: _Gloss,
) -> float:
    """A name-and-address block with its identifying number; answers its bottom."""
    number_label, number_value = number
    pdf.label(x, width, french(heading), gloss(heading))
    pdf.ln(1)
    pdf.lines(x, width, [name], bold=True)
    pdf.lines(x, width, address_lines)
    pdf.ln(2)
    pdf.label(x, width, french(number_label), gloss(number_label))
    pdf.lines(x, width, [number_value], bold=True)
    return pdf.get_y()


def _parties(pdf: ReceiptDocument, data: Releve24Data, gloss: _Gloss) -> None:
    top = pdf.get_y()
    width = (pdf.content_width - _GUTTER_MM) / 2
    issuer, payer = data.issuer, data.payer
    issuer_bottom = _party(
        pdf,
        pdf.l_margin,
        width,
        "Childcare services provider",
        issuer.name,
        issuer.address_lines,
        ("Quebec enterprise number (NEQ) or business number", issuer.neq_or_business_number),
        gloss,
    )
    pdf.set_y(top)
    payer_bottom = _party(
        pdf,
        pdf.l_margin + width + _GUTTER_MM,
        width,
        "Individual who paid the childcare expenses",
        payer.full_name,
        payer.address_lines,
        ("Social insurance number", _format_sin(payer.sin)),
        gloss,
    )
    pdf.set_y(max(issuer_bottom, payer_bottom))


def _child(pdf: ReceiptDocument, data: Releve24Data, locale: str, gloss: _Gloss) -> None:
    top = pdf.get_y()
    width = (pdf.content_width - _GUTTER_MM) / 2
    pdf.label(pdf.l_margin, width, french("Child"), gloss("Child"))
    pdf.lines(pdf.l_margin, width, [data.child.full_name], bold=True)
    name_bottom = pdf.get_y()
    pdf.set_y(top)
    birth_x = pdf.l_margin + width + _GUTTER_MM
    pdf.label(birth_x, width, french("Date of birth"), gloss("Date of birth"))
    pdf.lines(birth_x, width, [format_date(data.child.birth_date, locale)], bold=True)
    pdf.set_y(max(name_bottom, pdf.get_y()))
    if data.periods:
        pdf.ln(3)
        pdf.label(
            pdf.l_margin, pdf.content_width, french("Periods of care"), gloss("Periods of care")
        )
        periods = [
            text(locale, "From {start} to {end}").format(
                start=format_date(start, locale), end=format_date(end, locale)
            )
            for start, end in data.periods
        ]
        pdf.lines(pdf.l_margin, pdf.content_width, periods)


def _box(pdf: ReceiptDocument, label: str, value: str, gloss: _Gloss) -> None:
    """One lettered box of the slip: its label on the left, its value right-aligned."""
    padding, value_height = 2.0, 5.0
    if pdf.will_page_break(16):
        pdf.add_page()
    x, top = pdf.l_margin, pdf.get_y()
    label_width = pdf.content_width * 0.68
    pdf.set_y(top + padding)
    pdf.label(x + padding, label_width - 2 * padding, french(label), gloss(label))
    label_bottom = pdf.get_y()
    pdf.set_xy(x + label_width, top + padding)
    pdf.style(12, bold=True)
    pdf.cell(pdf.content_width - label_width - padding, value_height, value, align="R")
    bottom = max(label_bottom, top + padding + value_height) + padding
    pdf.frame(x, top, pdf.content_width, bottom - top)
    pdf.line(x + label_width, top, x + label_width, bottom)
    pdf.set_y(bottom)


def _boxes(pdf: ReceiptDocument, data: Releve24Data, locale: str, gloss: _Gloss) -> None:
    days = "" if data.days_of_care is None else str(data.days_of_care)
    not_eligible = data.paid_amount_cents - data.eligible_amount_cents
    for label, value in (
        ("Box B – Number of days of care", days),
        ("Box C – Childcare expenses paid", format_money(data.paid_amount_cents, locale)),
        (
            "Box D – Childcare expenses not eligible for the tax credit",
            format_money(not_eligible, locale),
        ),
        (
            "Box E – Childcare expenses eligible for the tax credit",
            format_money(data.eligible_amount_cents, locale),
        ),
    ):
        _box(pdf, label, value, gloss)


def _footer(pdf: ReceiptDocument, gloss: _Gloss) -> None:
    notes = [
        "Document produced by the municipality for your tax returns",
        "This document is not an official Revenu Québec form.",
    ]
    lines = [french(note) for note in notes]
    lines += [english for note in notes if (english := gloss(note)) is not None]
    # At the foot of the page when there is room, right after the boxes otherwise.
    pdf.set_y(max(pdf.get_y() + 8, pdf.h - pdf.b_margin - 4.2 * len(lines)))
    pdf.lines(pdf.l_margin, pdf.content_width, lines, size=8.5, note=True)


def releve24_pdf(data: Releve24Data, locale: str = "fr-CA") -> bytes:
    """The slip as PDF bytes: French ("fr-CA", official), or French glossed in English ("en").

    Amounts and dates are written for `locale`. The PDF's creation date is January 1st after
    the tax year, so the same slip always gives the same bytes.
    """
    gloss = _gloss_for(locale)
    pdf = ReceiptDocument(
        title=f"{french(_TITLE)} {data.tax_year}",
        locale=locale,
        author=data.issuer.name,
        created_on=dt.date(data.tax_year + 1, 1, 1),
    )
    _header(pdf, data, gloss)
    pdf.rule()
    _parties(pdf, data, gloss)
    pdf.rule()
    _child(pdf, data, locale, gloss)
    pdf.ln(5)
    _boxes(pdf, data, locale, gloss)
    _footer(pdf, gloss)
    return pdf.render()
