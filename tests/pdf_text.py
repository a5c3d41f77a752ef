"""The text a PDF of `rush.receipts` shows, read back from its page content streams.

fpdf2 writes each line as one `(...) Tj` in Windows-1252, deflated; spaces (no-break ones too)
are collapsed to single spaces so amounts and names compare as a reader sees them.
"""

from __future__ import annotations

import re
import zlib

__all__ = ["pdf_text"]

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
_SHOWN_TEXT = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj")
_ESCAPE = re.compile(rb"\\(.)", re.DOTALL)


def pdf_text(pdf: bytes) -> str:
    shown: list[str] = []
    for stream in _STREAM.findall(pdf):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            content = stream
        for string in _SHOWN_TEXT.findall(content):
            unescaped = _ESCAPE.sub(lambda m: b"\r" if m[1] == b"r" else m[1], string)
            shown.append(unescaped.decode("cp1252"))
    return " ".join("\n".join(shown).replace("\xa0", " ").split())
