from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rush.config import Settings, load_settings, settings_environ


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


def test_the_database_pooler_is_none_unless_pgbouncer_is_named() -> None:
    assert load_settings({}).database_pooler == "none"
    assert load_settings({"RUSH_DATABASE_POOLER": "pgbouncer"}).database_pooler == "pgbouncer"


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
        {"RUSH_ENV": "staging"},
        {"RUSH_ENCRYPTION_KEYS": " , "},
        {"RUSH_DATABASE_POOLER": "pgpool"},
    ],
)
def test_invalid_settings_fail_at_startup_with_a_message(env: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=r"RUSH_|invalid Rush settings"):
        load_settings(env)


@given(
    port=st.integers(1, 65535),
    ttl=st.integers(1, 3600),
    extra=st.integers(0, 3600),
    https=st.booleans(),
    approval=st.booleans(),
    secret=st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1),
    env=st.sampled_from(["production", "development"]),
    data_dir=st.sampled_from([".rush-data", "/tmp/rush data", "relative/dir"]),
)
def test_settings_handed_to_a_child_process_are_read_back_exactly(
    port: int,
    ttl: int,
    extra: int,
    https: bool,
    approval: bool,
    secret: str,
    env: str,
    data_dir: str,
) -> None:
    settings = Settings(
        database_url="postgresql://rush@127.0.0.1:5432/rush",
        redis_url="redis://127.0.0.1:6379/0",
        port=port,
        hold_ttl_seconds=ttl,
        hold_max_lifetime_seconds=ttl + extra,
        public_base_url="https://rush.test" if https else "http://rush.test",
        accounts_need_approval=approval,
        signing_key=secret,
        env=env,
        data_dir=Path(data_dir),
    )
    assert load_settings(settings_environ(settings)) == settings


def test_rush_runs_in_production_unless_told_otherwise() -> None:
    assert load_settings({}).env == "production"
    assert load_settings({"RUSH_ENV": "development"}).env == "development"


def test_secure_cookies_follow_an_https_public_address() -> None:
    assert load_settings({"RUSH_PUBLIC_BASE_URL": "https://inscriptions.example.ca"}).secure_cookies
    assert not load_settings({"RUSH_PUBLIC_BASE_URL": "http://127.0.0.1:8000"}).secure_cookies


def test_encryption_keys_are_read_newest_first() -> None:
    settings = load_settings({"RUSH_ENCRYPTION_KEYS": "newest, older ,oldest"})
    assert settings.encryption_key_list == ["newest", "older", "oldest"]
