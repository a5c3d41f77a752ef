"""The app built from the environment, for ASGI servers that import it by name.

`uvicorn --factory web.asgi:app_from_environment --workers 4` runs several web processes on
one port, each reading `DATABASE_URL`, `REDIS_URL` and `RUSH_*` itself (the rush benchmark
starts its web processes this way); `rush bench rush --server granian` runs them under granian
with `app_behind_trusted_proxies`.
"""

from __future__ import annotations

from typing import cast

from litestar import Litestar
from litestar.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from rush.config import Settings, load_settings
from rush.production import refuse_unsafe_production
from web.app import create_app
from web.logs import configure_logging

__all__ = ["app_behind_trusted_proxies", "app_from_environment"]


def _settings() -> Settings:
    settings = load_settings()
    if not (settings.database_url and settings.redis_url):
        raise RuntimeError("set DATABASE_URL and REDIS_URL before starting web processes")
    refuse_unsafe_production(settings)
    # As `rush serve` does: Rush's log format, level and redaction, whatever the server.
    configure_logging(settings)
    return settings


def app_from_environment() -> Litestar:
    return create_app(_settings())


def app_behind_trusted_proxies() -> ASGIApp:
    """The app for servers that do not read `X-Forwarded-For` themselves (granian:
    `granian --interface asgi --factory web.asgi:app_behind_trusted_proxies`): uvicorn's own
    proxy-headers middleware believes only `RUSH_TRUSTED_PROXIES`, as `rush serve` does."""
    settings = _settings()
    proxied = ProxyHeadersMiddleware(
        create_app(settings),  # type: ignore[arg-type]
        trusted_hosts=settings.trusted_proxy_list,
    )
    return cast(ASGIApp, proxied)
