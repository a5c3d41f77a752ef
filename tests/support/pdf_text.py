"""The text a PDF of `rush.documents` shows, as pypdf reads it back.

Spaces (no-break ones too) are collapsed to single spaces so amounts and names compare as a
reader sees them. (A hand-written reader of the content streams failed about once in 256 runs:
a deflated stream whose last byte is a carriage return looked like the stream's line end.)
"""

from __future__ import annotations

import io

from pypdf import PdfReader

__all__ = ["pdf_text"]


def pdf_text(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    shown = "\n".join(page.extract_text() for page in pages)
    return " ".join(shown.replace("\xa0", " ").split())
