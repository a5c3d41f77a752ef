"""The page every receipt shares: paper, font, encoding, metadata and a few drawing helpers.

fpdf2 bundles no Unicode font and the project installs no system package, so receipts use the
PDF core font Helvetica with its Windows-1252 encoding (fpdf2 declares it `WinAnsiEncoding`):
every French letter, the en dash, the curly apostrophe and the no-break space are in it.
Text outside it (a name in another script) is written without its accents, or as "?", rather
than refusing a family its receipt. The creation date comes from the caller, so the same data
always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Final

import msgspec
from fpdf import FPDF

from rush.i18n import TIME_ZONE

__all__ = ["Issuer", "ReceiptDocument"]

_ENCODING: Final = "windows-1252"
_FONT: Final = "Helvetica"
_MARGIN_MM: Final = 18.0
_GREY: Final = (90, 90, 90)
_BLACK: Final = (0, 0, 0)
# Babel writes some French numbers with narrow or thin spaces, which Windows-1252 lacks.
_SPACES: Final = str.maketrans({"\u202f": "\xa0", "\u2007": "\xa0", "\u2009": " "})
# Letters whose stroke is not an accent, so Unicode gives them no plain base letter.
_STROKED: Final = str.maketrans("ŁłĐđĦħıŦŧ", "LlDdHhiTt")


class Issuer(msgspec.Struct, frozen=True):
    """The municipality that issues the document, as its header prints it."""

    name: str
    address_lines: list[str]
    neq_or_business_number: str


def _encodable(text: str) -> bool:
    try:
        text.encode(_ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def _closest_printable(char: str) -> str:
    """`char` without its accents when that fits the encoding (ă -> a, ł -> l), else "?"."""
    decomposed = unicodedata.normalize("NFKD", char.translate(_STROKED))
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base if base and _encodable(base) else "?"


def printable(text: str) -> str:
    """`text` reduced to what the core font can print, keeping every character it has."""
    text = unicodedata.normalize("NFC", text).translate(_SPACES)
    if _encodable(text):
        return text
    return "".join(c if _encodable(c) else _closest_printable(c) for c in text)


class ReceiptDocument(FPDF):
    """A Letter portrait page in Helvetica, whose every text goes through `printable`."""

    def __init__(self, *, title: str, locale: str, author: str, created_on: dt.date) -> None:
        super().__init__(orientation="portrait", unit="mm", format="letter")
        self.core_fonts_encoding = _ENCODING
        self.set_margins(_MARGIN_MM, _MARGIN_MM, _MARGIN_MM)
        self.set_auto_page_break(auto=True, margin=_MARGIN_MM)
        self.set_title(title)
        self.set_lang(locale)
        self.set_author(author)
        self.set_creator("Rush")
        # Midnight on Quebec's wall clock of a date the data gives: never the rendering time.
        self.set_creation_date(dt.datetime.combine(created_on, dt.time(), tzinfo=TIME_ZONE))
        self.add_page()

    def normalize_text(self, text: str) -> str:
        return super().normalize_text(printable(text))

    @property
    def content_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def render(self) -> bytes:
        return bytes(self.output())

    def style(self, size: float, *, bold: bool = False, note: bool = False) -> None:
        """Body text is black; a note (an English gloss, a footer) is grey italic."""
        self.set_font(_FONT, ("B" if bold else "") + ("I" if note else ""), size)
        self.set_text_color(*(_GREY if note else _BLACK))

    def lines(
        self,
        x: float,
        width: float,
        lines: list[str],
        *,
        size: float = 10,
        bold: bool = False,
        note: bool = False,
    ) -> None:
        """Lines of text from the current height, each wrapped within `width`."""
        self.style(size, bold=bold, note=note)
        line_height = size * 0.45
        for line in lines:
            self.set_x(x)
            self.multi_cell(width, line_height, line, align="L", new_x="LMARGIN", new_y="NEXT")

    def label(self, x: float, width: float, french: str, english: str | None) -> None:
        """A bold label, with its English gloss under it on a bilingual document."""
        self.lines(x, width, [french], size=8.5, bold=True)
        if english is not None:
            self.lines(x, width, [english], size=7.5, note=True)

    def frame(self, x: float, y: float, width: float, height: float) -> None:
        """A black box outline, as the boxes of a tax slip are drawn."""
        self.set_draw_color(*_BLACK)
        self.set_line_width(0.3)
        self.rect(x, y, width, height)

    def rule(self, gap: float = 3.0) -> None:
        """A thin line across the page, separating the blocks of a document."""
        self.ln(gap)
        self.set_draw_color(*_GREY)
        self.set_line_width(0.2)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(gap)
