"""Webhook signatures as Stripe does them, so a real provider's scheme drops in unchanged.

Header: `Rush-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, b"<t>." + body)>`.
Signing the timestamp with the body bounds replays to the tolerance window; several `v1`
entries let a sender sign with an old and a new secret while keys rotate.
"""

from __future__ import annotations

import hashlib
import hmac

from rush.purchase.payments.errors import InvalidWebhook

__all__ = ["DEFAULT_TOLERANCE_S", "SIGNATURE_HEADER", "sign", "verify"]

SIGNATURE_HEADER = "Rush-Signature"
DEFAULT_TOLERANCE_S = 300


def _digest(secret: str, body: bytes, timestamp_s: int) -> str:
    signed = f"{timestamp_s}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp_s: int) -> str:
    """The `Rush-Signature` header value for `body` sent at `timestamp_s`."""
    return f"t={timestamp_s},v1={_digest(secret, body, timestamp_s)}"


def _parse(header: str | None) -> tuple[int, list[str]]:
    if not header:
        raise InvalidWebhook("missing_signature", f"no {SIGNATURE_HEADER} header")
    timestamps: list[str] = []
    signatures: list[str] = []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep or not value:
            raise InvalidWebhook("malformed_signature", f"malformed {SIGNATURE_HEADER} entry")
        if key == "t":
            timestamps.append(value)
        elif key == "v1":
            signatures.append(value)
        # Other schemes (a future v2) are ignored, as Stripe's clients do.
    if len(timestamps) != 1 or not signatures:
        raise InvalidWebhook("malformed_signature", f"{SIGNATURE_HEADER} needs one t and a v1")
    # Plain ASCII digits only: int() would also take "+1_700", " 17" or Arabic-Indic digits.
    if not (timestamps[0].isascii() and timestamps[0].isdigit() and len(timestamps[0]) <= 12):
        raise InvalidWebhook("malformed_signature", "signature timestamp is not unix seconds")
    return int(timestamps[0]), signatures


def verify(
    secret: str,
    body: bytes,
    header: str | None,
    now_s: int,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
) -> int:
    """Check the header signs `body` with `secret` within ±tolerance of now; returns its `t`."""
    timestamp_s, signatures = _parse(header)
    expected = _digest(secret, body, timestamp_s).encode()
    # compare_digest on bytes: constant time, and a non-ASCII header cannot make it raise.
    if not any(
        hmac.compare_digest(expected, candidate.encode("utf-8", "replace"))
        for candidate in signatures
    ):
        raise InvalidWebhook("bad_signature", "no v1 signature matches")
    if abs(now_s - timestamp_s) > tolerance_s:
        raise InvalidWebhook("stale_timestamp", "signature timestamp outside the replay window")
    return timestamp_s
