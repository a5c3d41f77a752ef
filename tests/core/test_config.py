from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.connection import SSLConnection

from rush.config import Settings, load_settings, settings_environ
from rush.redis_clients import open_engine_redis, open_plain_redis


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


def test_jobs_live_on_the_engine_redis_unless_told_otherwise() -> None:
    plain = load_settings({"REDIS_URL": "redis://cache:6379/0"})
    assert plain.jobs_redis_address == "redis://cache:6379/0"
    split = load_settings(
        {"REDIS_URL": "redis://cache:6379/0", "RUSH_JOBS_REDIS_URL": "redis://jobs:6379/0"}
    )
    assert split.jobs_redis_address == "redis://jobs:6379/0"


def test_a_cluster_engine_needs_a_plain_jobs_redis_beside_it() -> None:
    cluster = {"REDIS_URL": "redis+cluster://node-1:7000"}
    with pytest.raises(ValueError, match="set RUSH_JOBS_REDIS_URL to a plain Redis"):
        load_settings(cluster)
    with pytest.raises(ValueError, match="RUSH_JOBS_REDIS_URL must name a plain Redis"):
        load_settings({**cluster, "RUSH_JOBS_REDIS_URL": "valkey+cluster://node-2:7000"})
    settings = load_settings({**cluster, "RUSH_JOBS_REDIS_URL": "redis://jobs:6379/0"})
    assert (settings.redis_url, settings.jobs_redis_address) == (
        "redis+cluster://node-1:7000",
        "redis://jobs:6379/0",
    )


def test_the_client_factory_builds_a_cluster_client_for_a_cluster_url() -> None:
    engine = open_engine_redis("redis+cluster://127.0.0.1:7000", max_connections=8)
    assert isinstance(engine, RedisCluster)
    assert isinstance(open_engine_redis("redis://127.0.0.1:6379/0", max_connections=8), Redis)
    seeds = open_engine_redis(
        "redis+cluster://user:secret@10.0.0.1:7000,10.0.0.2:7001,10.0.0.3:7002", max_connections=8
    )
    assert isinstance(seeds, RedisCluster)
    assert {(node.host, node.port) for node in seeds.nodes_manager.startup_nodes.values()} == {
        ("10.0.0.1", 7000),
        ("10.0.0.2", 7001),
        ("10.0.0.3", 7002),
    }
    assert seeds.connection_kwargs["password"] == "secret"
    tls = open_engine_redis("rediss+cluster://127.0.0.1:7000", max_connections=8)
    assert isinstance(tls, RedisCluster)
    assert tls.connection_kwargs["connection_class"] is SSLConnection
    assert engine.connection_kwargs["connection_class"] is not SSLConnection
    with pytest.raises(ValueError, match="names a cluster"):
        open_plain_redis("redis+cluster://127.0.0.1:7000", max_connections=8)


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
        {"RUSH_REDIS_MAX_CONNECTIONS": "2"},
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
