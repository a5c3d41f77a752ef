"""The channels backend the worker publishes dashboard snapshots on.

The web app's ChannelsPlugin builds the same litestar backend with the same prefix
(`rush.ops.dashboard.DASHBOARD_CHANNELS_PREFIX`), so that each side relies on `rush` alone."""

from __future__ import annotations

from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from redis.asyncio import Redis

from rush.ops.dashboard import DASHBOARD_CHANNELS_PREFIX

__all__ = ["dashboard_backend"]


def dashboard_backend(redis: Redis) -> RedisChannelsPubSubBackend:
    """Redis pub/sub under Rush's prefix, where the web processes listen."""
    return RedisChannelsPubSubBackend(redis=redis, key_prefix=DASHBOARD_CHANNELS_PREFIX)
