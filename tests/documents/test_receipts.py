# ruff: noqa: RUF001 - labels use the en dash (U+2013) of the printed slip, on purpose.
"""The Relevé 24 and payment receipt PDFs: what a family reads on them, in both languages.

Text is read back from the bytes with every reader available: always the page content
streams themselves (inflated with zlib; fpdf2 writes each line as one `(...) Tj` in
Windows-1252), and poppler's `pdftotext` as well when it is installed.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zlib
from collections.abc import Callable

import msgspec
import pytest

from rush.documents import (
    Child,
    Issuer,
    PaidInstalment,
    Payer,
    PaymentReceiptData,
    ReceiptLine,
    Releve24Data,
    payment_receipt_pdf,
    releve24_pdf,
)

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
_SHOWN_TEXT = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj")
_ESCAPE = re.compile(rb"\\(.)", re.DOTALL)


def _content_stream_text(pdf: bytes) -> str:
    shown: list[str] = []
    for stream in _STREAM.findall(pdf):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            content = stream
        for string in _SHOWN_TEXT.findall(content):
            unescaped = _ESCAPE.sub(lambda m: b"\r" if m[1] == b"r" else m[1], string)
            shown.append(unescaped.decode("cp1252"))
    return "\n".join(shown)


def _pdftotext(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


_READERS = [pytest.param(_content_stream_text, id="content-streams")]
if shutil.which("pdftotext"):
    _READERS.append(pytest.param(_pdftotext, id="pdftotext"))

Reader = Callable[[bytes], str]


@pytest.fixture(params=_READERS)
def read_text(request: pytest.FixtureRequest) -> Reader:
    """The text of a PDF with its spaces (no-break ones too) collapsed to single spaces."""
    reader: Reader = request.param
    return lambda pdf: " ".join(reader(pdf).replace("\xa0", " ").split())


ISSUER = Issuer(
    name="Ville de Saint-Exemple",
    address_lines=["100, rue Principale", "Saint-Exemple (Québec)  J0A 1B0"],
    neq_or_business_number="8800000001",
)


def _slip(**changes: object) -> Releve24Data:
    slip = Releve24Data(
        tax_year=2026,
        issuer=ISSUER,
        payer=Payer(
            full_name="Émilie Côté-Lévesque",
            address_lines=["12, rue des Érables", "Saint-Exemple (Québec)  J0A 1B2"],
            sin="123456789",
        ),
        child=Child(full_name="Zoé Côté-Lévesque", birth_date=dt.date(2019, 3, 1)),
        slip_number="RL24-2026-000123",
        days_of_care=40,
        eligible_amount_cents=123456,
        paid_amount_cents=150000,
        periods=[(dt.date(2026, 6, 29), dt.date(2026, 7, 3))],
    )
    return msgspec.structs.replace(slip, **changes)


def _receipt(**changes: object) -> PaymentReceiptData:
    receipt = PaymentReceiptData(
        issuer=ISSUER,
        family_name="Côté-Lévesque",
        order_ref="R-2026-0042",
        issued_on=dt.date(2026, 7, 15),
        lines=[
            ReceiptLine("Zoé", "Natation Croix-Rouge", "Niveau 3 – samedi", 9500),
            ReceiptLine("Léo", "Basketball", "U10 mardi", 12000),
        ],
        payments=[
            PaidInstalment(paid_on=dt.date(2026, 6, 1), amount_cents=10750),
            PaidInstalment(paid_on=dt.date(2026, 7, 1), amount_cents=5000),
        ],
    )
    return msgspec.structs.replace(receipt, **changes)


# -- Relevé 24 --------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["fr-CA", "en"])
def test_releve24_is_a_pdf_in_both_locales(locale: str) -> None:
    pdf = releve24_pdf(_slip(), locale)
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")


@pytest.mark.parametrize("locale", ["fr-CA", "en"])
def test_releve24_prints_the_sin_in_groups_of_three(read_text: Reader, locale: str) -> None:
    text = read_text(releve24_pdf(_slip(), locale))
    assert "123 456 789" in text
    assert "123456789" not in text


def test_releve24_names_the_child_the_payer_and_the_year(read_text: Reader) -> None:
    text = read_text(releve24_pdf(_slip()))
    for expected in (
        "Zoé Côté-Lévesque",
        "1er mars 2019",
        "Émilie Côté-Lévesque",
        "12, rue des Érables",
        "Ville de Saint-Exemple",
        "8800000001",
        "Année 2026",
        "RL24-2026-000123",
        "Du 29 juin 2026 au 3 juillet 2026",
    ):
        assert expected in text


def test_french_releve24_shows_its_boxes_in_quebec_money(read_text: Reader) -> None:
    text = read_text(releve24_pdf(_slip(), "fr-CA"))
    assert "Relevé 24 – Frais de garde d'enfants" in text
    assert "Case B – Nombre de jours de garde" in text
    assert "40" in text
    assert "Case C – Frais de garde payés" in text
    assert "1 500,00 $" in text
    assert "Case D – Frais de garde ne donnant pas droit au crédit d'impôt" in text
    assert "265,44 $" in text  # D is C minus E
    assert "Case E – Frais de garde donnant droit au crédit d'impôt" in text
    assert "1 234,56 $" in text


def test_french_releve24_carries_no_english(read_text: Reader) -> None:
    text = read_text(releve24_pdf(_slip(), "fr-CA"))
    assert "Box C" not in text
    assert "Social insurance number" not in text


def test_english_releve24_glosses_the_french_labels(read_text: Reader) -> None:
    text = read_text(releve24_pdf(_slip(), "en"))
    for french, english in (
        ("Case B – Nombre de jours de garde", "Box B – Number of days of care"),
        ("Case C – Frais de garde payés", "Box C – Childcare expenses paid"),
        ("Numéro d'assurance sociale", "Social insurance number"),
        ("Date de naissance", "Date of birth"),
    ):
        assert french in text
        assert english in text
    assert "$1,234.56" in text
    assert "$1,500.00" in text
    assert "March 1, 2019" in text


def test_releve24_says_who_produced_it(read_text: Reader) -> None:
    text = read_text(releve24_pdf(_slip()))
    assert "Document produit par la municipalité pour vos déclarations" in text


def test_releve24_leaves_box_b_empty_without_a_count_of_days(read_text: Reader) -> None:
    with_days = read_text(releve24_pdf(_slip(days_of_care=187)))
    without_days = read_text(releve24_pdf(_slip(days_of_care=None)))
    assert "187" in with_days
    assert "Case B – Nombre de jours de garde" in without_days
    assert "187" not in without_days
    assert "None" not in without_days


def test_same_slip_gives_the_same_bytes_dated_after_its_tax_year() -> None:
    first, second = releve24_pdf(_slip()), releve24_pdf(_slip())
    assert first == second
    assert b"/CreationDate (D:20270101000000-05'00')" in first
    assert releve24_pdf(_slip(slip_number="RL24-2026-000124")) != first


@pytest.mark.parametrize(
    "sin", ["12345678", "1234567890", "123 456 789", "123-456-789", "12345678a", "١٢٣٤٥٦٧٨٩", ""]
)
def test_a_sin_that_is_not_nine_digits_is_refused(sin: str) -> None:
    with pytest.raises(ValueError, match="9 digits"):
        Payer(full_name="Émilie Côté", address_lines=[], sin=sin)


def test_a_sin_that_is_not_nine_digits_is_refused_when_decoded() -> None:
    payer = {"full_name": "Émilie Côté", "address_lines": [], "sin": "12345"}
    with pytest.raises(ValueError, match="9 digits"):
        msgspec.convert(payer, Payer)


def test_eligible_expenses_above_the_expenses_paid_are_refused() -> None:
    with pytest.raises(ValueError, match="cannot exceed"):
        _slip(eligible_amount_cents=150001)


def test_a_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="period"):
        _slip(periods=[(dt.date(2026, 7, 3), dt.date(2026, 6, 29))])


def test_an_unsupported_locale_is_refused() -> None:
    with pytest.raises(ValueError, match="locale"):
        releve24_pdf(_slip(), "de")


def test_names_outside_the_core_font_lose_their_accents_not_the_slip(read_text: Reader) -> None:
    child = Child(full_name="Łukasz Nguyễn 明", birth_date=dt.date(2019, 3, 1))
    text = read_text(releve24_pdf(_slip(child=child)))
    assert "Lukasz Nguyen ?" in text


# -- payment receipt ----------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["fr-CA", "en"])
def test_payment_receipt_is_a_pdf_in_both_locales(locale: str) -> None:
    assert payment_receipt_pdf(_receipt(), locale).startswith(b"%PDF-")


def test_french_receipt_lists_places_payments_and_totals(read_text: Reader) -> None:
    text = read_text(payment_receipt_pdf(_receipt(), "fr-CA"))
    for expected in (
        "Reçu de paiement",
        "Ville de Saint-Exemple",
        "Côté-Lévesque",
        "R-2026-0042",
        "15 juillet 2026",
        "Natation Croix-Rouge",
        "Niveau 3 – samedi",
        "95,00 $",
        "120,00 $",
        "215,00 $",  # order total
        "1er juin 2026",
        "107,50 $",
        "1er juillet 2026",
        "Total payé",
        "157,50 $",
        "Solde à payer",
        "57,50 $",
    ):
        assert expected in text


def test_english_receipt_is_written_in_english(read_text: Reader) -> None:
    text = read_text(payment_receipt_pdf(_receipt(), "en"))
    for expected in ("Payment receipt", "July 15, 2026", "June 1, 2026", "$157.50", "Total paid"):
        assert expected in text
    assert "Reçu" not in text


def test_a_fully_paid_receipt_shows_no_balance(read_text: Reader) -> None:
    paid_in_full = [PaidInstalment(paid_on=dt.date(2026, 6, 1), amount_cents=21500)]
    text = read_text(payment_receipt_pdf(_receipt(payments=paid_in_full), "fr-CA"))
    assert "Total payé" in text
    assert "Solde à payer" not in text


def test_same_receipt_gives_the_same_bytes_dated_on_its_issue_day() -> None:
    first, second = payment_receipt_pdf(_receipt(), "en"), payment_receipt_pdf(_receipt(), "en")
    assert first == second
    assert b"/CreationDate (D:20260715000000-04'00')" in first


def test_a_negative_amount_on_a_receipt_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        _receipt(payments=[PaidInstalment(paid_on=dt.date(2026, 6, 1), amount_cents=-1)])
