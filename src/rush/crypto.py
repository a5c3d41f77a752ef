"""Encryption of single fields at rest (SIN, health insurance number), with Fernet.

The keys are `Settings.encryption_keys`, used for nothing else (signing has its own key).
Several keys are accepted at once, newest first (MultiFernet): tokens are written under the
first and read under any, so a new key can be put in front without downtime; `rush keys
rotate` then re-encrypts every stored token under it, and only then may the old key go.
"""

from __future__ import annotations

import binascii
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

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("a field cipher needs at least one key")
        fernets = [_fernet(key, position) for position, key in enumerate(keys, start=1)]
        self._newest = fernets[0]
        self._fernet = MultiFernet(fernets)

    def encrypt(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode())

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
