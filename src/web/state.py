"""The app's shared resources, created once per process by the app factory's lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from arq.connections import ArqRedis
from litestar import Litestar
from litestar.datastructures import State

from rush.config import Settings
from rush.purchase.payments import PaymentProvider
from rush.redis_clients import plain_pool
from rush.services import Services, open_services

__all__ = ["JOBS_REDIS", "Resources", "open_jobs_redis", "resources", "resources_lifespan"]

JOBS_REDIS = "jobs_redis"
"""The app state's plain Redis client: arq's queue, sessions, rate limits and pub/sub share
its pool, so a web process holds two Redis pools (engine and jobs), not six."""


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


def open_jobs_redis(settings: Settings) -> ArqRedis:
    """The process's client of the plain jobs Redis (`RUSH_JOBS_REDIS_URL`, or `REDIS_URL`);
    it connects on first use."""
    pool = plain_pool(settings.jobs_redis_address, max_connections=settings.redis_max_connections)
    return ArqRedis(pool)


@asynccontextmanager
async def resources_lifespan(app: Litestar) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    jobs: ArqRedis = app.state[JOBS_REDIS]
    services = await open_services(settings, jobs_redis=jobs)
    app.state.resources = Resources(services, jobs)
    try:
        yield
    finally:
        await services.close()  # the jobs client with it
