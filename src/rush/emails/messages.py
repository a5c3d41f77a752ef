"""The emails a family receives, written in their locale: plain text with an HTML alternative.

Every sentence goes through the catalogs (`_ = translator(locale).gettext`, which
`pybabel extract` finds), and amounts and dates through `rush.i18n`, so a French family reads
"95,00 $" and "29 juin 2026". Builders only build: sending once is `rush.emails.sender`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from html import escape

import msgspec

from rush.i18n import format_date, format_datetime, format_money, translator

__all__ = [
    "CancelledLine",
    "ConfirmationLine",
    "Instalment",
    "account_link_email",
    "cancellation_email",
    "confirmation_email",
    "family_decision_email",
    "instalment_declined_email",
    "instalment_reminder_email",
    "sign_up_again_email",
    "waitlist_offer_email",
]


class ConfirmationLine(msgspec.Struct, frozen=True):
    """One paid place, as the confirmation lists it (names already in the family's locale)."""

    person_name: str
    program_name: str
    group_name: str
    schedule: str
    price_cents: int


class CancelledLine(msgspec.Struct, frozen=True):
    """One place staff cancelled, as the family's email names it (names in its locale)."""

    person_name: str
    program_name: str
    group_name: str
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class Instalment(msgspec.Struct, frozen=True):
    number: int
    amount_cents: int
    due_on: dt.date


def _html_text(text: str) -> str:
    return escape(text, quote=False)


class _Body:
    """The same content written twice, as plain text and as simple HTML, escaped once here."""

    def __init__(self) -> None:
        self._text: list[str] = []
        self._html: list[str] = []

    def paragraph(self, text: str) -> None:
        self._text.append(text)
        self._html.append(f"<p>{_html_text(text)}</p>")

    def heading(self, text: str) -> None:
        self._text.append(f"{text}\n{'-' * len(text)}")
        self._html.append(f"<h2>{_html_text(text)}</h2>")

    def items(self, items: list[str]) -> None:
        self._text.append("\n".join(f"- {item}" for item in items))
        rows = "".join(f"<li>{_html_text(item)}</li>" for item in items)
        self._html.append(f"<ul>{rows}</ul>")

    def link(self, text_line: str, label: str, url: str) -> None:
        """A call to action: the text part shows the address, the HTML part a link."""
        self._text.append(text_line)
        self._html.append(f'<p><a href="{escape(url)}">{_html_text(label)}</a></p>')

    def text(self) -> str:
        return "\n\n".join(self._text) + "\n"

    def html(self, locale: str, title: str) -> str:
        return (
            f'<!DOCTYPE html>\n<html lang="{escape(locale)}">\n<head><meta charset="utf-8">'
            f"<title>{_html_text(title)}</title></head>\n"
            f'<body style="font-family: sans-serif; line-height: 1.4">\n'
            + "\n".join(self._html)
            + "\n</body>\n</html>\n"
        )


def _compose(sender: str, to: str, locale: str, subject: str, body: _Body) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    # An explicit domain: the default asks the resolver for this host's name, which can stall.
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    # Quoted-printable keeps the .eml readable; set after the content, which clears Content-*.
    message.set_content(body.text(), cte="quoted-printable")
    message.add_alternative(body.html(locale, subject), subtype="html", cte="quoted-printable")
    message["Content-Language"] = locale
    return message


def _activity(program_name: str, group_name: str, schedule: str = "") -> str:
    return ", ".join(part for part in (program_name, group_name, schedule) if part)


def confirmation_email(
    to: str,
    locale: str,
    order_ref: str,
    greeting_name: str,
    lines: list[ConfirmationLine],
    total_cents: int,
    instalments: list[Instalment],
    *,
    sender: str,
    order_url: str = "",
    records_url: str = "",
) -> EmailMessage:
    """The proof of registration sent once an order is paid; lists instalments when any and
    links the order (its receipt) and the family's records, what a family opens next."""
    _ = translator(locale).gettext
    subject = _("Your registration is confirmed")
    body = _Body()
    body.paragraph(_("Hello {name},").format(name=greeting_name))
    body.paragraph(_("Thank you! Your registration is confirmed."))
    body.paragraph(_("Order number: {order_ref}").format(order_ref=order_ref))
    body.heading(_("Registrations"))
    body.items(
        [
            _("{person_name}: {activity} — {price}").format(
                person_name=line.person_name,
                activity=_activity(line.program_name, line.group_name, line.schedule),
                price=format_money(line.price_cents, locale),
            )
            for line in lines
        ]
    )
    body.paragraph(_("Total: {total}").format(total=format_money(total_cents, locale)))
    if instalments:
        body.heading(_("Payment schedule"))
        body.items(
            [
                _("Instalment {number}: {amount}, due on {due_on}").format(
                    number=instalment.number,
                    amount=format_money(instalment.amount_cents, locale),
                    due_on=format_date(instalment.due_on, locale),
                )
                for instalment in instalments
            ]
        )
    body.paragraph(_("Keep this email: it is your proof of registration."))
    if order_url:
        label = _("See my order and its receipt")
        body.link(_("{label}: {url}").format(label=label, url=order_url), label, order_url)
    if records_url:
        label = _("My records")
        body.link(_("{label}: {url}").format(label=label, url=records_url), label, records_url)
    body.paragraph(_("The Recreation Department"))
    return _compose(sender, to, locale, subject, body)


def cancellation_email(
    to: str,
    locale: str,
    greeting_name: str,
    lines: list[CancelledLine],
    refund_cents: int,
    *,
    sender: str,
    records_url: str,
) -> EmailMessage:
    """Staff cancelled places of the family: which ones, the money going back to the card
    that paid (or that none does), and a link to the family's records, where both show."""
    _ = translator(locale).gettext
    subject = _("Cancellation of your registration")
    body = _Body()
    body.paragraph(_("Hello {name},").format(name=greeting_name))
    body.paragraph(_("We confirm the cancellation of:"))
    body.items([_cancelled_line(_, line, locale) for line in lines])
    if refund_cents:
        body.paragraph(_("Refund: {amount}").format(amount=format_money(refund_cents, locale)))
        body.paragraph(
            _(
                "The refund goes back to the card used to pay. It may take a few business days"
                " to appear on your statement."
            )
        )
    else:
        body.paragraph(_("No refund is made for this cancellation."))
    label = _("My records")
    body.link(_("{label}: {url}").format(label=label, url=records_url), label, records_url)
    body.paragraph(_("If you have any questions, contact the Recreation Department."))
    body.paragraph(_("The Recreation Department"))
    return _compose(sender, to, locale, subject, body)


def _cancelled_line(_: Callable[[str], str], line: CancelledLine, locale: str) -> str:
    dates = ""
    if line.starts_on and line.ends_on:
        dates = _("from {start} to {end}").format(
            start=format_date(line.starts_on, locale), end=format_date(line.ends_on, locale)
        )
    return _("{person_name}: {activity}").format(
        person_name=line.person_name,
        activity=_activity(line.program_name, line.group_name, dates),
    )


def waitlist_offer_email(
    to: str,
    locale: str,
    person_name: str,
    program_name: str,
    group_name: str,
    expires_at: dt.datetime,
    accept_url: str,
    *,
    sender: str,
) -> EmailMessage:
    """A place freed up for someone on the waiting list, held for them until `expires_at`."""
    _ = translator(locale).gettext
    subject = _("A place is available for {person_name}").format(person_name=person_name)
    accept = _("Accept the place")
    body = _Body()
    body.paragraph(_("Hello,"))
    body.paragraph(
        _("Good news! A place is available for {person_name} in {activity}.").format(
            person_name=person_name, activity=_activity(program_name, group_name)
        )
    )
    body.paragraph(
        _(
            "Until {expires_at}, this place is held for you. After that, it will be offered "
            "to the next family on the waiting list."
        ).format(expires_at=format_datetime(expires_at, locale))
    )
    body.link(_("{label}: {url}").format(label=accept, url=accept_url), accept, accept_url)
    body.paragraph(_("If you no longer need this place, you have nothing to do."))
    body.paragraph(_("The Recreation Department"))
    return _compose(sender, to, locale, subject, body)


def instalment_reminder_email(
    to: str,
    locale: str,
    order_ref: str,
    amount_cents: int,
    due_on: dt.date,
    pay_url: str,
    *,
    sender: str,
    card_saved: bool = False,
) -> EmailMessage:
    """A reminder that a scheduled instalment comes due: to pay at `pay_url`, or, when the
    family authorised it (`card_saved`), charged that day to its card (`pay_url` is then its
    order page)."""
    _ = translator(locale).gettext
    due = format_date(due_on, locale)
    amount = format_money(amount_cents, locale)
    subject = _("Reminder: instalment due on {due_on}").format(due_on=due)
    body = _Body()
    body.paragraph(_("Hello,"))
    if card_saved:
        body.paragraph(
            _(
                "As you authorised, the instalment of {amount} for order {order_ref} will be"
                " charged on {due_on} to the card you paid the first instalment with."
            ).format(amount=amount, order_ref=order_ref, due_on=due)
        )
        label = _("See my order")
        body.link(_("{label}: {url}").format(label=label, url=pay_url), label, pay_url)
        body.paragraph(_("The Recreation Department"))
        return _compose(sender, to, locale, subject, body)
    pay = _("Pay now")
    body.paragraph(
        _("An instalment of {amount} for order {order_ref} is due on {due_on}.").format(
            amount=amount, order_ref=order_ref, due_on=due
        )
    )
    body.link(_("{label}: {url}").format(label=pay, url=pay_url), pay, pay_url)
    body.paragraph(_("If you have already paid, please disregard this message."))
    body.paragraph(_("The Recreation Department"))
    return _compose(sender, to, locale, subject, body)


def instalment_declined_email(
    to: str,
    locale: str,
    greeting_name: str,
    order_ref: str,
    amount_cents: int,
    retry_on: dt.date | None,
    pay_by: dt.date,
    order_url: str,
    *,
    sender: str,
) -> EmailMessage:
    """The card saved for the second instalment was declined: when it is tried again, the last
    day to pay before the places are cancelled, and the order page to pay it another way."""
    _ = translator(locale).gettext
    amount = format_money(amount_cents, locale)
    subject = _("Your second instalment could not be charged")
    pay = _("Pay from my order page")
    body = _Body()
    body.paragraph(_("Hello {name},").format(name=greeting_name))
    body.paragraph(
        _(
            "We could not charge the second instalment of {amount} for order {order_ref} to your"
            " card."
        ).format(amount=amount, order_ref=order_ref)
    )
    if retry_on is not None:
        body.paragraph(
            _("We will try your card again on {retry_on}.").format(
                retry_on=format_date(retry_on, locale)
            )
        )
    body.paragraph(
        _(
            "You can also pay it now with another card from your order page. If it is still"
            " unpaid on {pay_by}, the registrations of this order will be cancelled and offered"
            " to the next families on the waiting list, and your first instalment refunded."
        ).format(pay_by=format_date(pay_by, locale))
    )
    body.link(_("{label}: {url}").format(label=pay, url=order_url), pay, order_url)
    body.paragraph(_("The Recreation Department"))
    return _compose(sender, to, locale, subject, body)


def account_link_email(
    to: str, locale: str, purpose: str, url: str, *, sender: str
) -> EmailMessage:
    """A single-use link: confirm the email address, or choose a new password."""
    _ = translator(locale).gettext
    body = _Body()
    body.paragraph(_("Hello,"))
    if purpose == "reset_password":
        subject = _("Choose a new password")
        label = _("Choose a new password")
        body.paragraph(
            _(
                "Someone asked to reset the password of your account."
                " The link works once, for one hour."
            )
        )
        body.link(_("{label}: {url}").format(label=label, url=url), label, url)
        body.paragraph(
            _("If you did not ask for it, ignore this message: your password stays the same.")
        )
    else:
        subject = _("Confirm your email address")
        label = _("Confirm my address")
        body.paragraph(
            _("Welcome! Confirm your email address to receive your registration confirmations.")
        )
        body.link(_("{label}: {url}").format(label=label, url=url), label, url)
    body.paragraph(_("The Recreation Department"))
    return _compose(sender, to, locale, subject, body)


def sign_up_again_email(
    to: str, locale: str, login_url: str, reset_url: str, *, sender: str
) -> EmailMessage:
    """Someone signed up with an address that already has an account: the sign-up page said
    the same as for a new one, so this message is where its owner learns what happened."""
    _ = translator(locale).gettext
    body = _Body()
    body.paragraph(_("Hello,"))
    subject = _("An account already uses your email address")
    body.paragraph(
        _(
            "Someone tried to create an account with your email address, which already has"
            " one. No new account was created."
        )
    )
    log_in, reset = _("Log in"), _("Choose a new password")
    body.link(_("{label}: {url}").format(label=log_in, url=login_url), log_in, login_url)
    body.link(_("{label}: {url}").format(label=reset, url=reset_url), reset, reset_url)
    body.paragraph(_("If it was not you, ignore this message: your account stays as it is."))
    body.paragraph(_("The Recreation Department"))
    return _compose(sender, to, locale, subject, body)


def family_decision_email(
    to: str,
    locale: str,
    approved: bool,
    file_url: str,
    *,
    sender: str,
    greeting_name: str = "",
    reason: str = "",
) -> EmailMessage:
    """The recreation department's answer to a family waiting for approval of its file.

    Either way the family's next step is its file (`file_url`): to finish it before registration
    day, or to correct what staff gave as the reason of a refusal.
    """
    _ = translator(locale).gettext
    body = _Body()
    body.paragraph(_("Hello {name},").format(name=greeting_name) if greeting_name else _("Hello,"))
    label = _("Open my family file")
    if approved:
        subject = _("Your family file is approved")
        body.paragraph(_("Your family file has been approved: you can now register your children."))
        body.paragraph(
            _(
                "Before registration day, check that your file is complete: address, health"
                " sheet and emergency contact of each child, and who receives the Relevé 24."
            )
        )
    else:
        subject = _("Your family file was not approved")
        body.paragraph(_("Your family file was not approved, for this reason:"))
        body.paragraph(reason)
        body.paragraph(
            _(
                "What to do next: correct your family file, then reply to this message or call"
                " the recreation department so we can review it again."
            )
        )
    body.link(_("{label}: {url}").format(label=label, url=file_url), label, file_url)
    body.paragraph(_("The Recreation Department"))
    return _compose(sender, to, locale, subject, body)
