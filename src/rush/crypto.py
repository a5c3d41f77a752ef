"""Encryption of single fields at rest (SIN, health insurance number), with Fernet.

The Fernet key is derived from `Settings.secret_key` by HKDF-SHA256 under a fixed label, so no
other setting is needed and the raw secret is never used as a key itself. To rotate the secret,
build the cipher with the new secret and pass the old one in `previous_secret_keys`: tokens are
then written with the new key and the old tokens still read (MultiFernet tries each key in turn).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from rush.errors import RushError

__all__ = ["FieldCipher", "UndecryptableField"]

# Changing this label changes every derived key: stored fields would no longer decrypt.
_KEY_LABEL = b"rush field encryption v1"


class UndecryptableField(RushError):
    """A stored token was not written with any key this process knows, or was altered."""

    code = "undecryptable_field"
    status = 409


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_LABEL).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


class FieldCipher:
    """Encrypts with the current secret's key; decrypts with it or any previous one."""

    def __init__(self, secret_key: str, previous_secret_keys: Sequence[str] = ()) -> None:
        if not secret_key:
            raise ValueError("a field cipher needs a non-empty secret key")
        self._fernet = MultiFernet([_fernet(k) for k in (secret_key, *previous_secret_keys)])

    def encrypt(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode())

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken as exc:
            raise UndecryptableField("this field was encrypted with an unknown key") from exc
