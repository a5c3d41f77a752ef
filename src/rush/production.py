"""What a production process refuses to start with, each refusal naming its setting.

A web process or worker with the published development secrets lets anyone forge a webhook
(an order paid for a cent), a session or a queue ticket, or read every SIN; the simulated
provider hands out paid orders without a card; plain http leaks sessions. So `rush serve`,
`rush worker` and `web.asgi` call `refuse_unsafe_production` before serving anything.
"""

from __future__ import annotations

from rush.config import DEV_ENCRYPTION_KEY, DEV_SIGNING_KEY, DEV_WEBHOOK_SECRET, Settings
from rush.crypto import FieldCipher

__all__ = [
    "MIN_SIGNING_KEY_LENGTH",
    "UnsafeForProduction",
    "production_refusals",
    "refuse_unsafe_production",
]

MIN_SIGNING_KEY_LENGTH = 32


class UnsafeForProduction(ValueError):
    """Production settings that must not serve families; the message lists every reason.

    A ValueError like every invalid setting (`rush.config`): not a `RushError`, which is what
    a family's request can run into."""

    def __init__(self, refusals: list[str]) -> None:
        super().__init__(
            "Rush refuses to start with RUSH_ENV=production:\n"
            + "\n".join(f"  - {refusal}" for refusal in refusals)
        )
        self.refusals = refusals


def _signing_key_refusal(settings: Settings) -> str | None:
    if settings.signing_key == DEV_SIGNING_KEY:
        return "RUSH_SIGNING_KEY is the development default: set a random one (`rush keys new`)"
    if len(settings.signing_key) < MIN_SIGNING_KEY_LENGTH:
        return (
            f"RUSH_SIGNING_KEY is shorter than {MIN_SIGNING_KEY_LENGTH} characters: "
            "set a random one (`rush keys new`)"
        )
    return None


def _encryption_keys_refusal(settings: Settings) -> str | None:
    if DEV_ENCRYPTION_KEY in settings.encryption_key_list:
        return (
            "RUSH_ENCRYPTION_KEYS holds the development key: put a new key first "
            "(`rush keys new`), run `rush keys rotate`, then remove the development key"
        )
    try:
        FieldCipher(settings.encryption_key_list)
    except ValueError as exc:
        return str(exc)
    return None


def _webhook_secret_refusal(settings: Settings) -> str | None:
    if settings.webhook_secret in ("", DEV_WEBHOOK_SECRET):
        return (
            "RUSH_WEBHOOK_SECRET is missing or the development default: set the payment "
            "provider's webhook signing secret"
        )
    return None


def _stripe_keys_refusal(settings: Settings) -> str | None:
    if settings.payment_provider != "stripe":
        return None
    missing = [
        name
        for name, value in (
            ("RUSH_STRIPE_SECRET_KEY", settings.stripe_secret_key),
            ("RUSH_STRIPE_PUBLISHABLE_KEY", settings.stripe_publishable_key),
        )
        if not value
    ]
    return f"{' and '.join(missing)} missing: set your Stripe account's keys" if missing else None


def _payment_provider_refusal(settings: Settings) -> str | None:
    if settings.payment_provider == "simulated":
        return (
            "RUSH_PAYMENT_PROVIDER is simulated: anyone could mark their own order paid "
            "without a card; configure a real provider"
        )
    return None


def _public_base_url_refusal(settings: Settings) -> str | None:
    if not settings.public_base_url.startswith("https://"):
        return (
            "RUSH_PUBLIC_BASE_URL is not an https:// address: families' sessions and the "
            "payment pages need TLS"
        )
    return None


def production_refusals(settings: Settings) -> list[str]:
    """Every reason these settings may not serve families, whatever their RUSH_ENV."""
    checks = (
        _signing_key_refusal,
        _encryption_keys_refusal,
        _webhook_secret_refusal,
        _payment_provider_refusal,
        _stripe_keys_refusal,
        _public_base_url_refusal,
    )
    return [refusal for check in checks if (refusal := check(settings)) is not None]


def refuse_unsafe_production(settings: Settings) -> None:
    """Raise `UnsafeForProduction` when production settings are unsafe; development passes."""
    if settings.env != "production":
        return
    refusals = production_refusals(settings)
    if refusals:
        raise UnsafeForProduction(refusals)
