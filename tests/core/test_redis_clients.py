"""The clients Rush opens reuse a pooled connection only when it is clean, without reading it.

`ReadyCheckWithoutReading` answers the pool's "is this connection clean?" from the buffers in
memory instead of a zero-timeout read. These tests leave a connection dirty in the two ways the
check exists for, on a real Valkey, and the next command must still get its own reply.
"""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from rush.dev.servers import ServerUrls
from rush.redis_clients import ReadyCheckWithoutReading, open_plain_redis


async def test_a_connection_given_back_with_an_unread_reply_is_not_reused_as_is(
    migrated: ServerUrls,
) -> None:
    client = open_plain_redis(migrated.redis_url, max_connections=1)
    try:
        await client.set("rush:test:clean-check", "the value")
        connection = await client.connection_pool.get_connection()
        assert isinstance(connection._parser, ReadyCheckWithoutReading)
        await connection.send_command("ECHO", "a stray reply")  # never read
        await asyncio.sleep(0.05)  # the reply reaches the connection's buffer
        await client.connection_pool.release(connection)
        # The only connection of the pool holds the stray reply: it must be reset, not read.
        assert await client.get("rush:test:clean-check") == b"the value"
    finally:
        await client.aclose()


async def test_a_connection_the_server_closed_is_opened_again(migrated: ServerUrls) -> None:
    client = open_plain_redis(migrated.redis_url, max_connections=1)
    admin = Redis.from_url(migrated.redis_url)
    try:
        await client.set("rush:test:clean-check", "still here")
        await admin.client_kill_filter(_id=await client.client_id())
        await asyncio.sleep(0.05)  # the close reaches the pooled connection
        assert await client.get("rush:test:clean-check") == b"still here"
    finally:
        await client.aclose()
        await admin.aclose()


async def _sent_in_one_loop_turn(client: Redis, readers: int) -> int:
    """How many of `readers` reads started at once hold a connection after one loop turn."""
    pool = client.connection_pool
    opened = [await pool.get_connection() for _ in range(readers)]  # all open beforehand
    for connection in opened:
        await pool.release(connection)
    reads = [asyncio.ensure_future(client.get("rush:test:turns")) for _ in range(readers)]
    await asyncio.sleep(0)  # one turn: each read runs until it waits
    in_use = len(pool._in_use_connections)
    await asyncio.gather(*reads)
    return in_use


async def test_concurrent_requests_take_connections_without_a_loop_turn_each(
    migrated: ServerUrls,
) -> None:
    # redis-py 5's own check awaited a read with the pool's lock held: each connection handed
    # out cost a whole loop turn, so on a busy loop the requests of a web process queued on
    # that lock (a session read waited 190 ms at the median in the benchmark).
    ours = open_plain_redis(migrated.redis_url, max_connections=64)
    theirs = Redis.from_url(migrated.redis_url, max_connections=64)
    try:
        assert await _sent_in_one_loop_turn(ours, 50) == 50
        assert await _sent_in_one_loop_turn(theirs, 50) <= 1  # what it replaces: one a turn
    finally:
        await ours.aclose()
        await theirs.aclose()
