"""CSV downloads that Excel opens right in Quebec: UTF-8 with a BOM, the locale's separators.

Excel in French reads ";" between columns and "," in numbers, as Quebec's Windows is set up;
in English "," and ".". Text typed by families is kept from being read as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from litestar import Response

from rush.i18n import TIME_ZONE

__all__ = ["amount", "csv_response", "local_datetime", "text"]

_DELIMITER = {"fr-CA": ";", "en": ","}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text(value: str | None) -> str:
    """A cell typed by a family: "=HYPERLINK(...)" must stay text, never run in Excel."""
    if not value:
        return ""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def amount(cents: int, locale: str) -> str:
    """Dollars as a number Excel adds up: "95,00" in French, "95.00" in English."""
    sign = "-" if cents < 0 else ""
    dollars = f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"
    return dollars.replace(".", ",") if locale == "fr-CA" else dollars


def local_datetime(moment: dt.datetime | None) -> str:
    """Quebec's wall clock, in a form Excel recognizes as a date and time."""
    return moment.astimezone(TIME_ZONE).strftime("%Y-%m-%d %H:%M") if moment else ""


def csv_response(
    header: Sequence[str], rows: Iterable[Sequence[str]], filename: str, locale: str
) -> Response[bytes]:
    """An attachment nobody caches: these files hold families' personal information."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=_DELIMITER.get(locale, ","), lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return Response(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="{filename}"',
            "cache-control": "no-store",
        },
    )
