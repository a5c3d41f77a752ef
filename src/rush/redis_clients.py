"""Every Redis client Rush opens, built here from a URL, so a cluster is one setting away.

Two kinds of server, two clients:

- the **engine** (`REDIS_URL`): holds, capacities, the waiting room, the dashboard's
  counters. It may be a Redis/Valkey Cluster (`redis+cluster://host:port`): every script
  touches the keys of one hash tag (`rush.engine.keys`), so each runs on one shard, and
  readings across programs run one call per program concurrently (`gather_per_key`).
- the **jobs** server (`RUSH_JOBS_REDIS_URL`, defaults to `REDIS_URL`): arq's queue, the
  dashboard's pub/sub channels, sessions and rate limits. It is always a plain Redis: arq
  enqueues across keys in one transaction and redis-py's cluster client has no pub/sub.

One clock for readings across slots: each script keeps reading its own shard's `TIME` for
its own keys; a reading that spans shards (the audit, the drift log, self-pacing) asks the
primary that owns `rush:programs` (`server_time_ms`), so every process agrees on it.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeAlias, TypeVar, cast
from urllib.parse import urlsplit, urlunsplit

from redis._parsers.hiredis import _AsyncHiredisParser
from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError

__all__ = [
    "CLUSTER_SCHEMES",
    "EngineRedis",
    "ReadyCheckWithoutReading",
    "Script",
    "gather_per_key",
    "is_cluster_url",
    "open_engine_redis",
    "open_plain_redis",
    "plain_pool",
    "register_script",
    "server_time_ms",
]

EngineRedis: TypeAlias = Redis | RedisCluster
"""The engine's client: a plain Redis, or a cluster client that routes each key to its shard."""

CLUSTER_SCHEMES = {
    "redis+cluster": "redis",
    "valkey+cluster": "redis",
    "rediss+cluster": "rediss",
    "valkeys+cluster": "rediss",
}
"""URL schemes that name a cluster (any node of it), and the plain scheme each stands for."""

_CLOCK_KEY = "rush:programs"
"""The key whose primary answers `TIME` for readings that span shards (`KNOWN_PROGRAMS`)."""

T = TypeVar("T")
K = TypeVar("K")


class ReadyCheckWithoutReading(_AsyncHiredisParser):
    """hiredis, with redis-py 8's check that a pooled connection is clean (redis-py#4063).

    Before each command the pool asks whether the connection has unread data or was closed.
    redis-py 5 answers with a read under a zero timeout: a timer, a cancelled read and a
    syscall, 40 % of a round trip's client CPU (20 us of 45, measured). arq keeps redis-py
    below 6, so the newer check is applied here: the same question, answered from the
    buffers already in memory.
    """

    async def can_read_destructive(self) -> bool:
        reader, stream = self._reader, self._stream
        if not self._connected or reader is None or stream is None:
            raise RedisConnectionError("Connection closed by server.")
        # asyncio.StreamReader has no public way to see its buffer; redis-py 8 reads it too.
        buffered = cast(Any, stream)._buffer
        return bool(cast(Any, reader).has_data() or stream.at_eof() or buffered)


def is_cluster_url(url: str) -> bool:
    return urlsplit(url).scheme.lower() in CLUSTER_SCHEMES


def _plain_scheme(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme=CLUSTER_SCHEMES[parts.scheme.lower()]))


def _seed_nodes(url: str) -> tuple[str, list[ClusterNode]]:
    """`redis+cluster://a:7000,b:7000,c:7000` names several nodes to start from, so a process
    starting while one of them is down (a killed primary) still finds the cluster. Returns the
    URL with the first node, and the others."""
    parts = urlsplit(url)
    credentials, _, hosts = parts.netloc.rpartition("@")
    first, *others = hosts.split(",")
    netloc = f"{credentials}@{first}" if credentials else first
    nodes = []
    for other in others:
        host, _, port = other.rpartition(":")
        nodes.append(ClusterNode(host, int(port or 6379)))
    return urlunsplit(parts._replace(netloc=netloc)), nodes


def open_engine_redis(url: str, *, max_connections: int) -> EngineRedis:
    """The engine's client for `url`; `max_connections` bounds each node's pool."""
    if is_cluster_url(url):
        first, others = _seed_nodes(url)
        cluster: RedisCluster = RedisCluster.from_url(
            _plain_scheme(first),
            max_connections=max_connections,
            startup_nodes=others,
        )  # a cluster node hands out connections without this check: nothing to lighten
        return cluster
    return open_plain_redis(url, max_connections=max_connections)


def plain_pool(url: str, *, max_connections: int) -> ConnectionPool:
    """The connection pool of one plain Redis (jobs, pub/sub, sessions), for any client built
    on it (arq's too); a cluster URL is refused.

    Every such pool checks its connections with `ReadyCheckWithoutReading`: redis-py 5 holds
    the pool's lock across that check, and its own check awaits a read, so each connection
    handed out waited a whole event-loop turn with the lock held. On a busy loop, requests
    queued on that lock: 190 ms at the median (700 ms p99) before a hold's handler even
    started, when the session was read through such a pool (the benchmark at 2,000 families).
    """
    if is_cluster_url(url):
        raise ValueError(f"{url.split('@')[-1]} names a cluster; this client needs a plain Redis")
    pool: ConnectionPool = ConnectionPool.from_url(
        url, max_connections=max_connections, parser_class=ReadyCheckWithoutReading
    )
    return pool


def open_plain_redis(url: str, *, max_connections: int) -> Redis:
    """A client of one plain Redis (jobs, pub/sub, sessions); a cluster URL is refused."""
    return Redis.from_pool(plain_pool(url, max_connections=max_connections))


async def server_time_ms(redis: EngineRedis) -> int:
    """The Redis clock in milliseconds; on a cluster, the clock of `rush:programs`'s primary."""
    if isinstance(redis, RedisCluster):
        await redis.initialize()  # learns the slots on first use; a no-op after
        node = redis.get_node_from_key(_CLOCK_KEY)
        seconds, micros = await redis.time(target_nodes=node)
    else:
        seconds, micros = await redis.time()
    return int(seconds) * 1000 + int(micros) // 1000


class Script:
    """One Lua script called by SHA (EVALSHA), loaded again where NOSCRIPT says it is missing.

    redis-py's own script object reloads with a plain `SCRIPT LOAD`, which its cluster client
    sends to the primaries it knew at start: after a failover the promoted replica (which
    never received the script; the cache is not replicated) kept answering NOSCRIPT. Here
    the script is loaded on the very node that serves the first key.
    """

    __slots__ = ("_redis", "script", "sha")

    def __init__(self, redis: EngineRedis, source: str) -> None:
        self._redis = redis
        self.script = source
        self.sha = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()

    async def __call__(self, keys: Sequence[str] = (), args: Sequence[Any] = ()) -> Any:
        try:
            return await self._evalsha(keys, args)
        except NoScriptError:
            await self._load(keys)
            return await self._evalsha(keys, args)

    def _evalsha(self, keys: Sequence[str], args: Sequence[Any]) -> Awaitable[Any]:
        # redis-py types its commands as sync-or-async: this client is the async one.
        return cast(Awaitable[Any], self._redis.evalsha(self.sha, len(keys), *keys, *args))

    async def _load(self, keys: Sequence[str]) -> None:
        if isinstance(self._redis, RedisCluster) and keys:
            node = self._redis.get_node_from_key(keys[0])
            await self._redis.execute_command("SCRIPT LOAD", self.script, target_nodes=node)
        else:
            await self._redis.script_load(self.script)


def register_script(redis: EngineRedis, source: str) -> Script:
    """`source` callable by SHA on either client (`Script`)."""
    return Script(redis, source)


async def gather_per_key(keys: Iterable[K], call: Callable[[K], Awaitable[T]]) -> list[T]:
    """`call` once per key, all at once: on a cluster each lands on its own shard, on a
    plain Redis the calls share the connection pool. Replies come back in `keys` order.

    Why not a pipeline: redis-py refuses EVALSHA inside a cluster pipeline, and one code path
    for both kinds of server is the point.
    """
    return list(await asyncio.gather(*(call(key) for key in keys)))
