from __future__ import annotations

import pytest

from rush.errors import InvalidAdmissionToken
from rush.room.admission_tokens import AdmissionTokens

NOW = 1_800_000_000_000


@pytest.fixture
def tokens() -> AdmissionTokens:
    return AdmissionTokens("secret", lifetime_ms=60_000)


def test_a_genuine_token_is_accepted_until_it_expires(tokens: AdmissionTokens) -> None:
    token = tokens.issue(family_id=4, sale_id=2, now_ms=NOW)
    assert tokens.verify(token, 4, 2, NOW + 59_999) == NOW + 60_000
    with pytest.raises(InvalidAdmissionToken, match="expired"):
        tokens.verify(token, 4, 2, NOW + 60_000)


def test_another_familys_or_sales_token_is_refused(tokens: AdmissionTokens) -> None:
    token = tokens.issue(family_id=4, sale_id=2, now_ms=NOW)
    with pytest.raises(InvalidAdmissionToken, match="another family"):
        tokens.verify(token, 5, 2, NOW)
    with pytest.raises(InvalidAdmissionToken, match="another family"):
        tokens.verify(token, 4, 3, NOW)


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xx", lambda t: "x" + t, lambda t: ""])
def test_a_forged_token_is_refused(tokens: AdmissionTokens, mangle: object) -> None:
    token = tokens.issue(family_id=4, sale_id=2, now_ms=NOW)
    with pytest.raises(InvalidAdmissionToken, match="not genuine"):
        tokens.verify(mangle(token), 4, 2, NOW)  # type: ignore[operator]


def test_a_token_signed_with_another_key_is_refused(tokens: AdmissionTokens) -> None:
    forged = AdmissionTokens("not-the-secret", 60_000).issue(4, 2, NOW)
    with pytest.raises(InvalidAdmissionToken, match="not genuine"):
        tokens.verify(forged, 4, 2, NOW)
