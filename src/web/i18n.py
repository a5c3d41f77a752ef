"""Page translations: the web catalog (`src/web/i18n`), falling back to the domain's.

Templates receive `_` bound to the request's language, plus formatters for money and dates,
so a French family reads "95,00 $" and "29 juin 2027" and an English one "$95.00".
"""

from __future__ import annotations

import gettext as _gettext
from functools import cache, partial
from typing import Any

from litestar import Request

from rush.i18n import (
    SUPPORTED_LOCALES,
    format_date,
    format_date_range,
    format_datetime,
    format_money,
    format_number,
    format_time,
    load_catalog,
    translator,
)
from web.locale import request_locale

__all__ = ["page_context", "page_translator"]

LANGUAGE_NAMES = {"fr-CA": "Français", "en": "English"}


@cache
def page_translator(locale: str) -> _gettext.GNUTranslations:
    pages = load_catalog("web", "i18n", "web", locale)
    pages.add_fallback(translator(locale))
    return pages


def page_context(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """What every page template needs to speak the family's language."""
    locale = request_locale(request)
    catalog = page_translator(locale)
    return {
        "_": catalog.gettext,
        "ngettext": catalog.ngettext,
        "pgettext": catalog.pgettext,
        "locale": locale,
        "html_lang": locale,
        "money": partial(format_money, locale=locale),
        "number": partial(format_number, locale=locale),
        "date": partial(format_date, locale=locale),
        "date_range": partial(format_date_range, locale=locale),
        "datetime": partial(format_datetime, locale=locale),
        "time": partial(format_time, locale=locale),
        "other_languages": {code: name for code, name in LANGUAGE_NAMES.items() if code != locale},
        "languages": SUPPORTED_LOCALES,
    }
