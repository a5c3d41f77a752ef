"""Send an email at most once per purpose, however often the job that sends it is retried.

The purpose (say `confirmation:<order id>`) is claimed in `sent_email` inside a transaction
that commits only after the SMTP server accepted the message: a failed send rolls the claim
back so a retry sends again, and a second job with the same purpose waits on the claim, then
sends nothing. The one gap left is a crash between the server's acceptance and the commit,
which sends twice rather than never.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import parseaddr

import aiosmtplib
import asyncpg
import msgspec

from rush.db import query

__all__ = ["SmtpSettings", "send_once"]


class SmtpSettings(msgspec.Struct, frozen=True):
    """Where to send mail; `sender` is the envelope sender, a display name may come with it."""

    host: str
    port: int
    sender: str
    timeout_seconds: float = 30.0


async def send_once(
    pool: asyncpg.Pool, smtp: SmtpSettings, purpose: str, message: EmailMessage
) -> bool:
    """Send `message` unless an email with this purpose was already sent; True if sent now.

    Raises `aiosmtplib.SMTPException` when the server cannot be reached or refuses the
    message; nothing is recorded then, so calling again retries.
    """
    recipient, subject = message["To"], message["Subject"]
    if not recipient or not subject:
        raise ValueError("an email needs a To and a Subject header")
    async with pool.acquire() as conn, conn.transaction():
        claimed = await conn.fetchval(
            query("sent_email_claim"), purpose, str(recipient), str(subject)
        )
        if claimed is None:
            return False
        await aiosmtplib.send(
            message,
            sender=parseaddr(smtp.sender)[1],
            hostname=smtp.host,
            port=smtp.port,
            timeout=smtp.timeout_seconds,
        )
    return True
