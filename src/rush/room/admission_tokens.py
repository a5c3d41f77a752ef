"""Signed, expiring admission tokens: the proof a family was admitted to shop in a sale.

A token is an HMAC-SHA256 signature (itsdangerous) over (family, sale, expiry). Every hold
request carries one; a forged, expired or other family's token is refused.
"""

from __future__ import annotations

import hashlib

from itsdangerous import BadSignature, URLSafeSerializer

from rush.errors import InvalidAdmissionToken

__all__ = ["AdmissionTokens"]


class AdmissionTokens:
    def __init__(self, signing_key: str, lifetime_ms: int) -> None:
        self._serializer = URLSafeSerializer(
            signing_key, salt="rush.admission", signer_kwargs={"digest_method": hashlib.sha256}
        )
        self.lifetime_ms = lifetime_ms

    def issue(self, family_id: int, sale_id: int, now_ms: int) -> str:
        """A token valid until now + lifetime, `now_ms` being the Redis clock."""
        return self._serializer.dumps([family_id, sale_id, now_ms + self.lifetime_ms])

    def verify(self, token: str, family_id: int, sale_id: int, now_ms: int) -> int:
        """Check signature, owner, sale and expiry; returns the token's expiry in ms."""
        try:
            signed_family, signed_sale, expires_ms = self._serializer.loads(token)
        except (BadSignature, ValueError, TypeError) as exc:
            raise InvalidAdmissionToken("admission token is not genuine") from exc
        if (signed_family, signed_sale) != (family_id, sale_id):
            raise InvalidAdmissionToken("admission token belongs to another family or sale")
        if not isinstance(expires_ms, int) or expires_ms <= now_ms:
            raise InvalidAdmissionToken("admission token has expired")
        return expires_ms
