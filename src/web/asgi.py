"""The app built from the environment, for ASGI servers that import it by name.

`uvicorn --factory web.asgi:app_from_environment --workers 4` runs several web processes on
one port, each reading `DATABASE_URL`, `REDIS_URL` and `RUSH_*` itself (the rush benchmark
starts its web processes this way).
"""

from __future__ import annotations

from litestar import Litestar

from rush.config import load_settings
from rush.production import refuse_unsafe_production
from web.app import create_app

__all__ = ["app_from_environment"]


def app_from_environment() -> Litestar:
    settings = load_settings()
    if not (settings.database_url and settings.redis_url):
        raise RuntimeError("set DATABASE_URL and REDIS_URL before starting web processes")
    refuse_unsafe_production(settings)
    return create_app(settings)
