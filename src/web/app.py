"""The Litestar app factory: every web process is stateless and built here."""

from __future__ import annotations

from litestar import Litestar
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig

from rush.config import Settings
from web.api.groups import GroupsController
from web.api.health import health
from web.state import resources_lifespan

__all__ = ["create_app"]


def create_app(settings: Settings) -> Litestar:
    """Build the app for servers already running at `settings.database_url` / `redis_url`."""
    return Litestar(
        route_handlers=[health, GroupsController],
        lifespan=[resources_lifespan],
        state=State({"settings": settings}),
        openapi_config=OpenAPIConfig(title="Rush", version="0.1.0", path="/schema"),
    )
