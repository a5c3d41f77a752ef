"""Encryption of single fields at rest (SIN, health insurance number), with Fernet.

The keys are `Settings.encryption_keys`, used for nothing else (signing has its own key).
Several keys are accepted at once, newest first (MultiFernet): tokens are written under the
first and read under any, so a new key can be put in front without downtime; `rush keys
rotate` then re-encrypts every stored token under it, and only then may the old key go.

A field that must be compared without being read (two families with the same child's health
insurance number) is also stored as a keyed hash, HMAC-SHA256 under the signing key: the
same number always gives the same hash, which means nothing without the key.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from rush.errors import RushError

__all__ = ["FieldCipher", "UndecryptableField", "new_encryption_key"]


class UndecryptableField(RushError):
    """A stored token was not written with any key this process knows, or was altered."""

    code = "undecryptable_field"
    status = 409


def new_encryption_key() -> str:
    """A fresh random key, in the form `RUSH_ENCRYPTION_KEYS` takes."""
    return Fernet.generate_key().decode()


def _fernet(key: str, position: int) -> Fernet:
    try:
        return Fernet(key)
    except (ValueError, binascii.Error) as exc:
        raise ValueError(
            f"RUSH_ENCRYPTION_KEYS: key {position} is not a Fernet key (make one with "
            "`rush keys new`)"
        ) from exc


class FieldCipher:
    """Encrypts under the newest key; decrypts under any of them."""

    def __init__(self, keys: Sequence[str], *, lookup_key: str | None = None) -> None:
        """`lookup_key` (the signing key) keys `lookup_hash`; tools that only read or rotate
        the encrypted fields go without, and then write no hash."""
        if not keys:
            raise ValueError("a field cipher needs at least one key")
        fernets = [_fernet(key, position) for position, key in enumerate(keys, start=1)]
        self._newest = fernets[0]
        self._fernet = MultiFernet(fernets)
        self._lookup_key = lookup_key.encode() if lookup_key else None

    def encrypt(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode())

    def lookup_hash(self, text: str) -> bytes | None:
        """The keyed hash that finds equal values without decrypting; None without a key."""
        if self._lookup_key is None:
            return None
        return hmac.new(self._lookup_key, text.encode(), hashlib.sha256).digest()

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken as exc:
            raise UndecryptableField("this field was encrypted with an unknown key") from exc

    def is_current(self, token: bytes) -> bool:
        """Whether the newest key alone reads this token (nothing to rotate)."""
        try:
            self._newest.decrypt(token)
        except InvalidToken:
            return False
        return True

    def rotate(self, token: bytes) -> bytes:
        """The same field re-encrypted under the newest key."""
        try:
            return self._fernet.rotate(token)
        except InvalidToken as exc:
            raise UndecryptableField("this field was encrypted with an unknown key") from exc
