"""The family's consent to have its second instalment charged to the card it pays with now.

A charge the family is not there for (off-session) needs its prior agreement, in words that
name the amount and the date. The sentence lives here once: the cart page and the API show
it, and the order keeps the exact sentence shown, its version, and when it was accepted.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import msgspec

from rush.i18n import format_date, format_money, translator

__all__ = ["INSTALMENT_CONSENT_VERSION", "InstalmentConsent", "instalment_consent"]

INSTALMENT_CONSENT_VERSION: Final = 1
"""Raise it whenever the sentence below changes meaning: orders keep which one they accepted."""


class InstalmentConsent(msgspec.Struct, frozen=True):
    """The sentence a family accepted, as it read it, and the wording's version."""

    version: int
    text: str


def instalment_consent(amount_cents: int, due_on: dt.date, locale: str) -> InstalmentConsent:
    """The consent sentence for a second instalment of `amount_cents` due on `due_on`."""
    _ = translator(locale).gettext
    text = _(
        "I authorise the town to charge the second instalment of {amount} on {due_on} to the"
        " card I pay with now."
    ).format(amount=format_money(amount_cents, locale), due_on=format_date(due_on, locale))
    return InstalmentConsent(INSTALMENT_CONSENT_VERSION, text)
