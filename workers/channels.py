"""The channels backend shared by publishers (workers) and subscribers (web processes)."""

from __future__ import annotations

from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from redis.asyncio import Redis

__all__ = ["CHANNELS_PREFIX", "dashboard_backend"]

CHANNELS_PREFIX = "rush:channels"


def dashboard_backend(redis: Redis) -> RedisChannelsPubSubBackend:
    """Redis pub/sub under Rush's prefix; the web app's ChannelsPlugin uses the same one."""
    return RedisChannelsPubSubBackend(redis=redis, key_prefix=CHANNELS_PREFIX)
