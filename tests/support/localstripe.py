"""A running localstripe (a stateful stand-in for Stripe's API and Stripe.js) and a catcher
for the webhooks it sends, for the Stripe provider's tests.

localstripe runs as a real process on a free port, started from scratch. It signs its
webhooks as Stripe does (`Stripe-Signature`) and POSTs them a second after the event to the
endpoints registered at `/_config/webhooks/<id>`: here, a catcher in a thread, from which a
test hands each event to the app exactly as received.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import msgspec

__all__ = ["CaughtWebhook", "StripeWebhookCatcher", "running_localstripe", "webhook_catcher"]

ACTED_ON = ["payment_intent.succeeded", "payment_intent.payment_failed"]
"""The event types registered with localstripe (it sends no refund events at all)."""


class CaughtWebhook(msgspec.Struct, frozen=True):
    body: bytes
    signature: str
    type: str
    object_id: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_localstripe() -> Iterator[str]:
    """localstripe's base URL while it runs; stopped (and waited for) on exit."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "localstripe", "--port", str(port), "--from-scratch"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{url}/js.stripe.com/v3/", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("localstripe did not start")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


class StripeWebhookCatcher:
    """Keeps every webhook POSTed to `.url`; `wait_for` returns one once it has arrived."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._caught: list[CaughtWebhook] = []
        catcher = self

        class _Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                event = json.loads(body)
                caught = CaughtWebhook(
                    body,
                    self.headers.get("Stripe-Signature", ""),
                    event["type"],
                    event["data"]["object"]["id"],
                )
                with catcher._lock:
                    catcher._caught.append(caught)
                    catcher._lock.notify_all()
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/stripe-webhooks"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def wait_for(self, event_type: str, object_id: str, timeout_s: float = 10) -> CaughtWebhook:
        with self._lock:
            found = self._lock.wait_for(
                lambda: self._find(event_type, object_id), timeout=timeout_s
            )
        if found is None:
            raise AssertionError(f"localstripe sent no {event_type} for {object_id}")
        return found

    def _find(self, event_type: str, object_id: str) -> CaughtWebhook | None:
        return next(
            (c for c in self._caught if (c.type, c.object_id) == (event_type, object_id)), None
        )

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def webhook_catcher(localstripe_url: str, secret: str) -> Iterator[StripeWebhookCatcher]:
    """A catcher registered as localstripe's webhook endpoint, signing with `secret`."""
    catcher = StripeWebhookCatcher()
    try:
        form = {"url": catcher.url, "secret": secret}
        form.update({f"events[{i}]": kind for i, kind in enumerate(ACTED_ON)})
        httpx.post(f"{localstripe_url}/_config/webhooks/rush", data=form).raise_for_status()
        yield catcher
    finally:
        catcher.close()
