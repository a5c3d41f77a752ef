"""Emails in the family's locale, delivered to a real local SMTP catcher, each purpose once."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path

import aiosmtplib
import asyncpg
import pytest

from rush.dev.mail_catcher import MailCatcher, start_mail_catcher
from rush.emails import (
    ConfirmationLine,
    Instalment,
    SmtpSettings,
    confirmation_email,
    instalment_reminder_email,
    send_once,
    waitlist_offer_email,
)

SENDER = "Service des loisirs <loisirs@ville.example>"
FAMILY = "famille.tremblay@example.ca"
NBSP = "\xa0"
LINES = [
    ConfirmationLine(
        "Léa Tremblay", "Camp de jour", "Semaine 1", "lun. au ven., 9 h à 16 h", 9_500
    ),
    ConfirmationLine("Noah Tremblay", "Natation", "Junior 3", "", 8_000),
]
INSTALMENTS = [
    Instalment(1, 8_750, dt.date(2026, 3, 4)),
    Instalment(2, 8_750, dt.date(2026, 6, 1)),
]


@pytest.fixture
def catcher(tmp_path: Path) -> Iterator[MailCatcher]:
    with start_mail_catcher(tmp_path / "mail") as catcher:
        yield catcher


@pytest.fixture
def smtp(catcher: MailCatcher) -> SmtpSettings:
    return SmtpSettings(catcher.host, catcher.port, SENDER)


def _confirmation(locale: str) -> EmailMessage:
    return confirmation_email(
        FAMILY, locale, "R-2026-0042", "Marie Tremblay", LINES, 17_500, INSTALMENTS, sender=SENDER
    )


def _text_and_html(message: EmailMessage) -> tuple[str, str]:
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert isinstance(text, EmailMessage)
    assert isinstance(html, EmailMessage)
    return text.get_content(), html.get_content()


async def _sent_rows(pool: asyncpg.Pool, purpose: str) -> list[asyncpg.Record]:
    return await pool.fetch("SELECT recipient, subject FROM sent_email WHERE purpose = $1", purpose)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_a_french_family_receives_its_confirmation_with_fr_ca_amounts_and_dates(
    pool: asyncpg.Pool, clean: None, catcher: MailCatcher, smtp: SmtpSettings
) -> None:
    assert await send_once(pool, smtp, "confirmation:R-2026-0042", _confirmation("fr-CA"))

    [received] = catcher.messages
    assert received["Subject"] == "Confirmation de votre inscription"
    assert received["To"] == FAMILY
    assert received["Content-Language"] == "fr-CA"
    text, html = _text_and_html(received)
    assert "Bonjour Marie Tremblay," in text
    assert "Numéro de commande : R-2026-0042" in text
    assert (
        f"- Léa Tremblay : Camp de jour, Semaine 1, lun. au ven., 9 h à 16 h — 95,00{NBSP}$" in text
    )
    assert f"- Noah Tremblay : Natation, Junior 3 — 80,00{NBSP}$" in text
    assert f"Total : 175,00{NBSP}$" in text
    assert f"- Versement 1 : 87,50{NBSP}$, payable le 4 mars 2026" in text
    assert f"- Versement 2 : 87,50{NBSP}$, payable le 1er juin 2026" in text
    assert f"<li>Noah Tremblay : Natation, Junior 3 — 80,00{NBSP}$</li>" in html
    assert '<html lang="fr-CA">' in html
    [eml] = list(catcher.folder.glob("*-1.eml"))
    stored = BytesParser(policy=default_policy).parsebytes(eml.read_bytes())
    assert stored["Subject"] == "Confirmation de votre inscription"


async def test_an_english_family_receives_its_confirmation_in_english(
    pool: asyncpg.Pool, clean: None, catcher: MailCatcher, smtp: SmtpSettings
) -> None:
    assert await send_once(pool, smtp, "confirmation:R-2026-0042", _confirmation("en"))

    [received] = catcher.messages
    assert received["Subject"] == "Your registration is confirmed"
    text, html = _text_and_html(received)
    assert "- Léa Tremblay: Camp de jour, Semaine 1, lun. au ven., 9 h à 16 h — $95.00" in text
    assert "Total: $175.00" in text
    assert "- Instalment 2: $87.50, due on June 1, 2026" in text
    assert "<p>Total: $175.00</p>" in html
    assert "Total :" not in text


async def test_sending_twice_with_one_purpose_delivers_once(
    pool: asyncpg.Pool, clean: None, catcher: MailCatcher, smtp: SmtpSettings
) -> None:
    purpose = "confirmation:R-2026-0042"
    assert await send_once(pool, smtp, purpose, _confirmation("fr-CA")) is True
    assert await send_once(pool, smtp, purpose, _confirmation("fr-CA")) is False

    assert len(catcher.messages) == 1
    assert [tuple(row) for row in await _sent_rows(pool, purpose)] == [
        (FAMILY, "Confirmation de votre inscription")
    ]
    assert await send_once(pool, smtp, "confirmation:R-2026-0043", _confirmation("en"))
    assert len(catcher.messages) == 2


async def test_two_jobs_sending_one_purpose_at_once_deliver_once(
    pool: asyncpg.Pool, clean: None, catcher: MailCatcher, smtp: SmtpSettings
) -> None:
    purpose = "confirmation:R-2026-0042"
    results = await asyncio.gather(
        *(send_once(pool, smtp, purpose, _confirmation("fr-CA")) for _ in range(5))
    )

    assert sorted(results) == [False, False, False, False, True]
    assert len(catcher.messages) == 1
    assert len(await _sent_rows(pool, purpose)) == 1


async def test_a_failed_send_records_nothing_so_a_retry_sends(
    pool: asyncpg.Pool, clean: None, catcher: MailCatcher, smtp: SmtpSettings
) -> None:
    purpose = "confirmation:R-2026-0042"
    unreachable = SmtpSettings("127.0.0.1", _closed_port(), SENDER, timeout_seconds=2)

    with pytest.raises(aiosmtplib.SMTPException):
        await send_once(pool, unreachable, purpose, _confirmation("fr-CA"))
    assert await _sent_rows(pool, purpose) == []

    assert await send_once(pool, smtp, purpose, _confirmation("fr-CA")) is True
    assert len(catcher.messages) == 1
    assert len(await _sent_rows(pool, purpose)) == 1


async def test_a_message_without_recipient_is_refused_before_anything_is_claimed(
    pool: asyncpg.Pool, clean: None, smtp: SmtpSettings
) -> None:
    message = _confirmation("fr-CA")
    del message["To"]
    with pytest.raises(ValueError, match="To"):
        await send_once(pool, smtp, "confirmation:R-2026-0042", message)
    assert await _sent_rows(pool, "confirmation:R-2026-0042") == []


def test_a_waitlist_offer_gives_the_deadline_on_quebec_time_and_a_link_to_accept() -> None:
    message = waitlist_offer_email(
        FAMILY,
        "fr-CA",
        "Léa Tremblay",
        "Natation",
        "Junior 3",
        dt.datetime(2026, 7, 1, 16, 5, tzinfo=dt.UTC),
        "https://loisirs.example/offres/7?jeton=a&b",
        sender=SENDER,
    )

    assert message["Subject"] == "Une place s'est libérée pour Léa Tremblay"
    text, html = _text_and_html(message)
    assert "pour Léa Tremblay à l'activité Natation, Junior 3." in text
    assert "réservée jusqu'au 1er juillet 2026 à 12 h 05." in text
    assert "Accepter la place : https://loisirs.example/offres/7?jeton=a&b" in text
    assert '<a href="https://loisirs.example/offres/7?jeton=a&amp;b">Accepter la place</a>' in html


def test_an_english_waitlist_offer_never_ends_a_sentence_in_a_double_dot() -> None:
    message = waitlist_offer_email(
        FAMILY,
        "en",
        "Lea Tremblay",
        "Swimming",
        "Junior 3",
        dt.datetime(2026, 7, 1, 13, 0, tzinfo=dt.UTC),
        "https://recreation.example/offers/7",
        sender=SENDER,
    )

    text, _ = _text_and_html(message)
    assert "Until July 1, 2026 at 9:00 a.m., this place is held for you." in text
    assert "a.m.." not in text


def test_an_instalment_reminder_names_the_amount_and_due_date_in_english() -> None:
    message = instalment_reminder_email(
        FAMILY,
        "en",
        "R-2026-0042",
        8_750,
        dt.date(2026, 6, 1),
        "https://recreation.example/pay/R-2026-0042",
        sender=SENDER,
    )

    assert message["Subject"] == "Reminder: instalment due on June 1, 2026"
    text, _ = _text_and_html(message)
    assert "An instalment of $87.50 for order R-2026-0042 is due on June 1, 2026." in text
    assert "Pay now: https://recreation.example/pay/R-2026-0042" in text


def test_html_parts_escape_what_families_typed() -> None:
    line = ConfirmationLine("<b>Zoé</b> & Cie", "Camp", "Semaine 1", "", 0)
    message = confirmation_email(FAMILY, "fr-CA", "R-1", "<script>", [line], 0, [], sender=SENDER)

    text, html = _text_and_html(message)
    assert "&lt;b&gt;Zoé&lt;/b&gt; &amp; Cie" in html
    assert "<script>" not in html
    assert "<b>Zoé</b> & Cie" in text
    assert "Calendrier des versements" not in text
