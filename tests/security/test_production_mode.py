"""Production refuses to run unsafe: real `rush` processes, the app over HTTP, staff accounts.

`rush serve` and `rush worker` run in production unless told otherwise, and exit non-zero
naming each unsafe setting before they touch a server; the simulated provider's page does
not exist outside the simulated provider; staff accounts come from `rush staff add`.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from loadtests.bench_processes import bin_path
from rush.config import Settings
from rush.crypto import new_encryption_key
from rush.production import UnsafeForProduction
from rush.purchase.payments import SimulatedProvider
from web.app import create_app
from web.asgi import app_from_environment

# Nothing listens there: a process that gets as far as connecting has already failed the test.
UNREACHABLE = {
    "DATABASE_URL": "postgresql://rush@127.0.0.1:1/rush",
    "REDIS_URL": "redis://127.0.0.1:1/0",
}
SAFE = {
    "RUSH_SIGNING_KEY": "a-production-signing-key-of-40-characters",
    "RUSH_ENCRYPTION_KEYS": new_encryption_key(),
    "RUSH_WEBHOOK_SECRET": "whsec_from_the_provider",
    "RUSH_PAYMENT_PROVIDER": "stripe",
    "RUSH_STRIPE_SECRET_KEY": "sk_live_from_the_dashboard",
    "RUSH_STRIPE_PUBLISHABLE_KEY": "pk_live_from_the_dashboard",
    "RUSH_PUBLIC_BASE_URL": "https://inscriptions.example.ca",
}
SETTINGS_REFUSED = sorted(k for k in SAFE if not k.startswith("RUSH_STRIPE_"))
"""What the defaults get wrong (the Stripe keys only count once Stripe is chosen)."""


def _environment(**variables: str) -> dict[str, str]:
    """This process's environment without any RUSH_ variable (so RUSH_ENV is unset)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUSH_")}
    return env | variables


def _rush(
    argv: list[str], env: dict[str, str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    # A session of its own: no controlling terminal, so a password prompt reads stdin.
    return subprocess.run(
        [bin_path("rush"), *argv],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=True,
    )


@pytest.mark.parametrize(
    ("variable", "unsafe"),
    [
        ("RUSH_SIGNING_KEY", "dev-only-signing-key-change-me"),
        ("RUSH_ENCRYPTION_KEYS", "KVml2oCwABx9oxGUHymvQqtXx6eA_VaYl9aLX359NG0="),
        ("RUSH_WEBHOOK_SECRET", ""),
        ("RUSH_PAYMENT_PROVIDER", "simulated"),
        ("RUSH_PUBLIC_BASE_URL", "http://inscriptions.example.ca"),
    ],
)
def test_rush_serve_refuses_each_unsafe_setting_naming_it(variable: str, unsafe: str) -> None:
    served = _rush(["serve"], _environment(**(UNREACHABLE | SAFE | {variable: unsafe})))

    assert served.returncode != 0
    assert "RUSH_ENV=production" in served.stderr
    assert variable in served.stderr
    others = [name for name in SETTINGS_REFUSED if name != variable and name in served.stderr]
    assert others == [], served.stderr
    assert "Traceback" not in served.stderr


def test_rush_worker_with_the_defaults_refuses_every_unsafe_setting() -> None:
    worked = _rush(["worker"], _environment(**UNREACHABLE))

    assert worked.returncode != 0
    for variable in SETTINGS_REFUSED:
        assert variable in worked.stderr


def test_development_is_what_rush_serve_must_be_told() -> None:
    """The same unsafe defaults pass in development: the process goes on to its servers."""
    served = _rush(["serve", "--port", "1"], _environment(**UNREACHABLE, RUSH_ENV="development"))

    assert "RUSH_ENV=production" not in served.stderr
    assert "RUSH_SIGNING_KEY" not in served.stderr


def test_the_asgi_factory_refuses_unsafe_production(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [k for k in os.environ if k.startswith("RUSH_")]:
        monkeypatch.delenv(name)
    for name, value in (UNREACHABLE | SAFE | {"RUSH_PAYMENT_PROVIDER": "simulated"}).items():
        monkeypatch.setenv(name, value)

    with pytest.raises(UnsafeForProduction, match="RUSH_PAYMENT_PROVIDER"):
        app_from_environment()


async def test_the_simulated_payment_page_is_404_unless_that_provider_is_configured(
    settings: Settings, provider: SimulatedProvider
) -> None:
    opened = await provider.create_payment(uuid.uuid4(), 9_500, "k1", "Natation", "/records")
    production = msgspec.structs.replace(
        settings, env="production", payment_provider="stripe", public_base_url="https://r.test"
    )

    async with AsyncTestClient(app=create_app(production)) as client:
        page = await client.get(f"/sim-pay/{opened.ref}")
        paid = await client.post(f"/sim-pay/{opened.ref}", data={"outcome": "succeed"})
    async with AsyncTestClient(app=create_app(settings)) as client:
        simulated = await client.get(f"/sim-pay/{opened.ref}")

    assert (page.status_code, paid.status_code) == (404, 404)
    assert simulated.status_code == 200
    assert (await provider.payment(opened.ref)) is not None
    assert (await provider.payment(opened.ref)).status == "requires_action"  # type: ignore[union-attr]


async def _staff_add(
    settings: Settings, argv: list[str], stdin: str
) -> subprocess.CompletedProcess[str]:
    env = _environment(DATABASE_URL=settings.database_url, REDIS_URL=settings.redis_url)
    return await asyncio.to_thread(_rush, ["staff", "add", *argv], env, stdin)


async def test_staff_add_asks_the_password_twice_and_the_account_signs_in(
    settings: Settings, clean: None
) -> None:
    password = "une phrase de passe du service"
    added = await _staff_add(
        settings, ["chef@ville.qc.ca", "--role", "supervisor"], f"{password}\n{password}\n"
    )
    assert added.returncode == 0, added.stdout + added.stderr
    assert password not in added.stdout + added.stderr

    async with AsyncTestClient(app=create_app(settings)) as client:
        await client.get("/api/v1/groups")
        login = await client.post(
            "/api/v1/auth/login",
            headers={"x-csrftoken": client.cookies["csrftoken"]},
            json={"email": "chef@ville.qc.ca", "password": password},
        )
    assert login.status_code == 200, login.text
    assert login.json()["role"] == "supervisor"


async def test_staff_add_refuses_a_short_password_a_mismatch_and_a_taken_email(
    settings: Settings, clean: None
) -> None:
    short = await _staff_add(settings, ["a@ville.qc.ca", "--role", "admin"], "court\ncourt\n")
    mismatch = await _staff_add(
        settings,
        ["a@ville.qc.ca", "--role", "admin"],
        "une longue phrase\nune autre phrase\n",
    )
    first = await _staff_add(
        settings, ["a@ville.qc.ca", "--role", "admin"], "une longue phrase\nune longue phrase\n"
    )
    again = await _staff_add(
        settings, ["a@ville.qc.ca", "--role", "admin"], "une longue phrase\nune longue phrase\n"
    )

    assert short.returncode != 0  # asked again, and stdin had no better password
    assert "at least 12 characters" in short.stdout + short.stderr
    assert mismatch.returncode != 0
    assert first.returncode == 0, first.stdout + first.stderr
    assert again.returncode != 0
    assert "an account already uses a@ville.qc.ca" in again.stderr
