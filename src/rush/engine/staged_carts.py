"""Where prepared carts wait in Redis for the hold at admission, beside the waiting room.

Each sale keeps a hash, family -> its prepared cart (bytes that `rush.purchase.staged_carts`
encodes and decodes), under the sale's hash tag, so the admission check reads it in the same
script call (`queue_touch.lua`); and a stream of the carts held from that copy, which a worker
writes to Postgres. It lives here, below purchase, catalogue and families, because staff
changes in each of them (a refused family, a new price) must drop copies.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from rush.engine.keys import sale_keys
from rush.redis_clients import EngineRedis

__all__ = ["StagedCarts"]

_LOG_BATCH = 1000


class StagedCarts:
    """The staged copies and the went-live log of every sale, on the engine's Redis."""

    def __init__(self, redis: EngineRedis) -> None:
        self._redis = redis

    async def stage(self, family_id: int, sale_id: int, cart: bytes) -> None:
        await self._redis.hset(sale_keys(sale_id).staged, str(family_id), cart)  # type: ignore[misc,arg-type]

    async def staged(self, family_id: int, sale_id: int) -> bytes | None:
        blob: bytes | None = await self._redis.hget(  # type: ignore[misc]
            sale_keys(sale_id).staged, str(family_id)
        )
        return blob

    async def unstage(self, family_id: int, sale_ids: Iterable[int]) -> None:
        """Drop the family's copies: its next hold reads Postgres."""
        for sale_id in sale_ids:
            await self._redis.hdel(sale_keys(sale_id).staged, str(family_id))  # type: ignore[misc]

    async def unstage_sale(self, sale_id: int) -> None:
        """Drop every copy of a sale: each family's next hold reads Postgres."""
        await self._redis.delete(sale_keys(sale_id).staged)

    async def record_went_live(self, sale_id: int, cart_id: uuid.UUID, at_ms: int) -> None:
        await self._redis.xadd(sale_keys(sale_id).went_live, {"cart": str(cart_id), "ms": at_ms})

    async def went_live(self, sale_id: int) -> list[tuple[str, uuid.UUID, int]]:
        """The oldest entries of the log: (entry id, cart, Redis ms it was held)."""
        entries = await self._redis.xrange(sale_keys(sale_id).went_live, count=_LOG_BATCH)
        return [
            (_text(entry_id), uuid.UUID(_text(fields[b"cart"])), int(fields[b"ms"]))
            for entry_id, fields in entries
        ]

    async def forget_went_live(self, sale_id: int, entry_ids: list[str]) -> None:
        await self._redis.xdel(sale_keys(sale_id).went_live, *entry_ids)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
