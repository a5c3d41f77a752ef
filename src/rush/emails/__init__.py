"""Emails to families: built in their locale (`messages`), sent once per purpose (`sender`)."""

from __future__ import annotations

from rush.emails.messages import (
    CancelledLine,
    ConfirmationLine,
    Instalment,
    account_link_email,
    cancellation_email,
    confirmation_email,
    family_decision_email,
    instalment_declined_email,
    instalment_reminder_email,
    sign_up_again_email,
    waitlist_offer_email,
)
from rush.emails.sender import SmtpSettings, send_once

__all__ = [
    "CancelledLine",
    "ConfirmationLine",
    "Instalment",
    "SmtpSettings",
    "account_link_email",
    "cancellation_email",
    "confirmation_email",
    "family_decision_email",
    "instalment_declined_email",
    "instalment_reminder_email",
    "send_once",
    "sign_up_again_email",
    "waitlist_offer_email",
]
