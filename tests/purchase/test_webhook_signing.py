"""Webhook signatures: only the holder of the secret, within the replay window, is believed."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from rush.purchase.payments.errors import InvalidWebhook
from rush.purchase.payments.signing import sign, verify

SECRET = "whsec_current"
BODY = b'{"event_id":"evt_1","kind":"payment.succeeded","amount_cents":12500}'
NOW = 1_785_000_000


def hex_hmac(secret: str, body: bytes, t: int) -> str:
    """The signature recomputed from the published scheme, independently of `sign`."""
    return hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()


def refused(header: str | None, body: bytes = BODY, now_s: int = NOW) -> str:
    with pytest.raises(InvalidWebhook) as caught:
        verify(SECRET, body, header, now_s)
    assert caught.value.code == "invalid_webhook"
    return caught.value.fault


def test_sign_follows_the_stripe_scheme() -> None:
    assert sign(SECRET, BODY, NOW) == f"t={NOW},v1={hex_hmac(SECRET, BODY, NOW)}"


def test_a_valid_signature_is_accepted_and_returns_its_timestamp() -> None:
    assert verify(SECRET, BODY, sign(SECRET, BODY, NOW - 12), NOW) == NOW - 12


def test_a_tampered_body_is_refused() -> None:
    tampered = BODY.replace(b"12500", b"1")
    assert refused(sign(SECRET, BODY, NOW), body=tampered) == "bad_signature"


def test_a_signature_made_with_another_secret_is_refused() -> None:
    assert refused(sign("whsec_attacker", BODY, NOW)) == "bad_signature"


def test_a_signature_moved_to_another_timestamp_is_refused() -> None:
    genuine = hex_hmac(SECRET, BODY, NOW - 1000)
    assert refused(f"t={NOW},v1={genuine}") == "bad_signature"


@pytest.mark.parametrize("header", [None, ""])
def test_a_missing_header_is_refused(header: str | None) -> None:
    assert refused(header) == "missing_signature"


@pytest.mark.parametrize(
    "header",
    [
        "garbage",
        f"v1={hex_hmac(SECRET, BODY, NOW)}",
        f"t={NOW}",
        f"t={NOW},t={NOW},v1={hex_hmac(SECRET, BODY, NOW)}",
        f"t=soon,v1={hex_hmac(SECRET, BODY, NOW)}",
        f"t=+{NOW},v1={hex_hmac(SECRET, BODY, NOW)}",
        f"t={NOW},v1=",
        f"t={NOW},,v1={hex_hmac(SECRET, BODY, NOW)}",
    ],
    ids=[
        "no-pairs",
        "no-timestamp",
        "no-signature",
        "two-timestamps",
        "word-timestamp",
        "signed-timestamp",
        "empty-signature",
        "empty-entry",
    ],
)
def test_a_malformed_header_is_refused(header: str) -> None:
    assert refused(header) == "malformed_signature"


def test_a_non_ascii_signature_is_refused_not_crashed_on() -> None:
    assert refused(f"t={NOW},v1=é{hex_hmac(SECRET, BODY, NOW)[1:]}") == "bad_signature"


def test_a_signature_exactly_at_the_tolerance_is_accepted() -> None:
    assert verify(SECRET, BODY, sign(SECRET, BODY, NOW - 300), NOW) == NOW - 300
    assert verify(SECRET, BODY, sign(SECRET, BODY, NOW + 300), NOW) == NOW + 300


def test_a_replay_301_seconds_old_is_refused() -> None:
    assert refused(sign(SECRET, BODY, NOW - 301)) == "stale_timestamp"


def test_a_timestamp_301_seconds_in_the_future_is_refused() -> None:
    assert refused(sign(SECRET, BODY, NOW + 301)) == "stale_timestamp"


def test_a_custom_tolerance_narrows_the_replay_window() -> None:
    header = sign(SECRET, BODY, NOW - 10)
    assert verify(SECRET, BODY, header, NOW, tolerance_s=10) == NOW - 10
    with pytest.raises(InvalidWebhook):
        verify(SECRET, BODY, header, NOW, tolerance_s=9)


def test_during_key_rotation_the_second_v1_signature_is_accepted() -> None:
    old, new = hex_hmac("whsec_previous", BODY, NOW), hex_hmac(SECRET, BODY, NOW)
    assert verify(SECRET, BODY, f"t={NOW}, v1={old}, v1={new}", NOW) == NOW
    assert verify("whsec_previous", BODY, f"t={NOW},v1={old},v1={new}", NOW) == NOW
    assert refused(f"t={NOW},v1={old},v1={old}") == "bad_signature"


def test_unknown_signature_schemes_are_ignored_beside_a_valid_v1() -> None:
    header = f"t={NOW},v0=deadbeef,v1={hex_hmac(SECRET, BODY, NOW)}"
    assert verify(SECRET, BODY, header, NOW) == NOW
