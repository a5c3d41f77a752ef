"""A local SMTP server that keeps every email it receives, for the demo and the tests.

Each message is written to `<folder>/<timestamp>-<n>.eml` (open it in any mail client) and
kept parsed in memory. It runs aiosmtpd's `Controller` in a thread of its own, so a test's
event loop and a synchronous demo can both use it. Nothing is ever relayed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path
from types import TracebackType

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

__all__ = ["MailCatcher", "start_mail_catcher"]


class _Controller(Controller):
    """A controller that may bind port 0: the port the system picked is read back first."""

    def _trigger_server(self) -> None:
        # aiosmtpd connects to `self.port` once to prove the server is up, which cannot be 0.
        if self.port == 0 and isinstance(self.server, asyncio.Server):
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]


class _Handler:
    def __init__(self, catcher: MailCatcher) -> None:
        self._catcher = catcher

    async def handle_DATA(  # noqa: N802 - the hook name aiosmtpd looks up
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content
        if raw is None:
            return "554 No message content"
        self._catcher._receive(raw)
        return "250 Message accepted for delivery"


class MailCatcher:
    """A running catcher: `.host` and `.port` to send to, `.messages` received so far."""

    def __init__(self, folder: Path, host: str, port: int) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._messages: list[EmailMessage] = []
        self._controller = _Controller(
            _Handler(self), hostname=host, port=port, server_hostname="rush-mail-catcher"
        )

    @property
    def host(self) -> str:
        return str(self._controller.hostname)

    @property
    def port(self) -> int:
        return int(self._controller.port)

    @property
    def messages(self) -> list[EmailMessage]:
        """A copy of the messages received so far, oldest first."""
        with self._lock:
            return list(self._messages)

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def _receive(self, raw: bytes) -> None:
        message = BytesParser(policy=default_policy).parsebytes(raw)
        with self._lock:
            self._messages.append(message)
            number = len(self._messages)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        (self.folder / f"{stamp}-{number}.eml").write_bytes(raw)

    def __enter__(self) -> MailCatcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def start_mail_catcher(folder: Path, host: str = "127.0.0.1", port: int = 0) -> MailCatcher:
    """Start catching mail on `host:port` (0: a free port, read it from `.port`)."""
    catcher = MailCatcher(folder, host, port)
    catcher.start()
    return catcher
