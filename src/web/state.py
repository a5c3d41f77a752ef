"""The app's shared resources, created once per process by the app factory's lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from arq import create_pool as create_arq_pool
from arq.connections import ArqRedis, RedisSettings
from litestar import Litestar
from litestar.datastructures import State

from rush.config import Settings
from rush.purchase.payments import PaymentProvider
from rush.services import Services, open_services

__all__ = ["Resources", "resources", "resources_lifespan"]


@dataclass(frozen=True, slots=True)
class Resources:
    services: Services
    jobs: ArqRedis

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def provider(self) -> PaymentProvider:
        return self.services.provider


def resources(state: State) -> Resources:
    """The process's resources, typed, for handlers and dependencies."""
    found: Resources = state.resources
    return found


@asynccontextmanager
async def resources_lifespan(app: Litestar) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    services = await open_services(settings)
    jobs = await create_arq_pool(RedisSettings.from_dsn(settings.redis_url))
    app.state.resources = Resources(services, jobs)
    try:
        yield
    finally:
        await jobs.aclose()
        await services.close()
