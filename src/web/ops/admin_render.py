"""Drawing the catalogue admin's forms, with a refused value explained beside its input."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from litestar import Request
from litestar.response import Template

from rush.errors import CapacityBelowCommitted, RushError, UnknownGroup
from rush.i18n import error_message
from web.locale import request_locale
from web.ops.catalogue_forms import FormField
from web.pages.render import page

__all__ = ["Choices", "error_field", "form_page", "named"]

Choices = Mapping[str, Sequence[tuple[Any, str]]]
"""Per select input, its (value, label) options; labels already in the reader's language."""


def error_field(exc: RushError) -> str | None:
    """The input a domain error is about: its own `field`, or the capacity for the engine's."""
    if isinstance(exc, CapacityBelowCommitted | UnknownGroup):
        return "capacity"
    field = getattr(exc, "field", None)
    return field if isinstance(field, str) else None


def named(request: Request[Any, Any, Any]) -> Any:
    """A function giving a season's, sale's, program's or group's name in the reader's language."""
    english = request_locale(request) == "en"
    return lambda item: item.name_en if english else item.name_fr


def form_page(
    request: Request[Any, Any, Any],
    *,
    template: str = "ops/admin/form.html",
    fields: Sequence[FormField],
    values: Mapping[str, Any],
    error: RushError | None = None,
    choices: Choices | None = None,
    **context: Any,
) -> Template:
    """A form filled with `values`; with `error`, its message beside the input and a 4xx status."""
    return page(
        request,
        template,
        status_code=error.status if error else 200,
        fields=fields,
        form={k: "" if v is None else str(v) for k, v in values.items()},
        choices=choices or {},
        error=error_message(error.code, request_locale(request)) if error else None,
        error_field=error_field(error) if error else None,
        named=named(request),
        **context,
    )
