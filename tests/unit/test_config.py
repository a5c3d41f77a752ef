from __future__ import annotations

from pathlib import Path

import pytest

from rush.config import load_settings


def test_urls_and_rush_variables_are_read_from_the_environment() -> None:
    settings = load_settings(
        {
            "DATABASE_URL": "postgresql://db/rush",
            "REDIS_URL": "redis://cache:6379/0",
            "RUSH_PORT": "9000",
            "RUSH_DATA_DIR": "/var/lib/rush",
            "RUSH_HOLD_TTL_SECONDS": "600",
            "UNRELATED": "ignored",
        }
    )
    assert settings.database_url == "postgresql://db/rush"
    assert settings.redis_url == "redis://cache:6379/0"
    assert settings.port == 9000
    assert settings.data_dir == Path("/var/lib/rush")
    assert settings.hold_ttl_ms == 600_000


def test_no_urls_means_embedded_servers() -> None:
    settings = load_settings({})
    assert (settings.database_url, settings.redis_url) == ("", "")


@pytest.mark.parametrize(
    "env",
    [
        {"RUSH_PORT": "not-a-port"},
        {"RUSH_PORT": "70000"},
        {"RUSH_LOG_FORMAT": "xml"},
        {"RUSH_HOLD_TTL_SECONDS": "900", "RUSH_HOLD_MAX_LIFETIME_SECONDS": "60"},
    ],
)
def test_invalid_settings_fail_at_startup_with_a_message(env: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=r"RUSH_|invalid Rush settings"):
        load_settings(env)
