"""What production refuses to start with: each unsafe setting named, safe settings pass."""

from __future__ import annotations

import msgspec
import pytest

from rush.config import DEV_ENCRYPTION_KEY, Settings, load_settings
from rush.crypto import new_encryption_key
from rush.production import UnsafeForProduction, production_refusals, refuse_unsafe_production

SAFE = {
    "RUSH_ENV": "production",
    "RUSH_SIGNING_KEY": "a-production-signing-key-of-40-characters",
    "RUSH_ENCRYPTION_KEYS": new_encryption_key(),
    "RUSH_WEBHOOK_SECRET": "whsec_from_the_provider",
    "RUSH_PAYMENT_PROVIDER": "stripe",
    "RUSH_STRIPE_SECRET_KEY": "sk_live_from_the_dashboard",
    "RUSH_STRIPE_PUBLISHABLE_KEY": "pk_live_from_the_dashboard",
    "RUSH_PUBLIC_BASE_URL": "https://inscriptions.example.ca",
}


def _production(**unsafe: str) -> Settings:
    return load_settings(SAFE | unsafe)


def test_safe_production_settings_start() -> None:
    assert production_refusals(_production()) == []
    refuse_unsafe_production(_production())


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("RUSH_SIGNING_KEY", ""),
        ("RUSH_SIGNING_KEY", "short-but-not-default"),
        ("RUSH_SIGNING_KEY", "dev-only-signing-key-change-me"),
        ("RUSH_ENCRYPTION_KEYS", DEV_ENCRYPTION_KEY),
        ("RUSH_ENCRYPTION_KEYS", f"{new_encryption_key()},{DEV_ENCRYPTION_KEY}"),
        ("RUSH_ENCRYPTION_KEYS", "not-a-fernet-key"),
        ("RUSH_WEBHOOK_SECRET", ""),
        ("RUSH_WEBHOOK_SECRET", "dev-only-webhook-secret"),
        ("RUSH_PAYMENT_PROVIDER", "simulated"),
        ("RUSH_STRIPE_SECRET_KEY", ""),
        ("RUSH_STRIPE_PUBLISHABLE_KEY", ""),
        ("RUSH_PUBLIC_BASE_URL", ""),
        ("RUSH_PUBLIC_BASE_URL", "http://inscriptions.example.ca"),
    ],
)
def test_each_unsafe_setting_is_refused_by_its_name(variable: str, value: str) -> None:
    settings = _production(**{variable: value})

    with pytest.raises(UnsafeForProduction) as refused:
        refuse_unsafe_production(settings)

    assert len(refused.value.refusals) == 1
    assert refused.value.refusals[0].startswith(variable)
    assert variable in str(refused.value)


def test_the_defaults_are_refused_for_every_reason_at_once() -> None:
    with pytest.raises(UnsafeForProduction) as refused:
        refuse_unsafe_production(load_settings({}))

    named = {refusal.split()[0] for refusal in refused.value.refusals}
    assert named == {
        "RUSH_SIGNING_KEY",
        "RUSH_ENCRYPTION_KEYS",
        "RUSH_WEBHOOK_SECRET",
        "RUSH_PAYMENT_PROVIDER",
        "RUSH_PUBLIC_BASE_URL",
    }


def test_development_starts_with_the_defaults() -> None:
    settings = msgspec.structs.replace(load_settings({}), env="development")
    refuse_unsafe_production(settings)
    assert production_refusals(settings)  # the same settings, unsafe were they production
