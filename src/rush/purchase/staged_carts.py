"""Prepared carts copied into Redis, so the hold at admission needs no Postgres.

At 9:00 every admitted family holds its prepared cart at once; asking Postgres for that cart
was the busiest statement of the rush. Each committed cart edit therefore also writes the
cart's lines to the sale's staged hash (`rush.engine.staged_carts`, beside the waiting room),
and the hold reads them in the same script call that checks the family's admission
(`rush.room.admission`). Postgres stays the source of truth:

- a copy is deleted *before* anything that could make it wrong is written (a cart edit, a
  checkout, a refused family, a changed price) and written again after the commit; a hold that
  finds no copy takes the Postgres path, which stages the cart again. A missing copy (a flush,
  a restart) is only a slower hold;
- a cart held from its copy is logged to the sale's went-live stream; a worker copies it into
  Postgres (`carts_went_live`: the cart's `live_since` and today's prices, as the Postgres path
  does), and checkout applies the same statement first for its own cart, so the order is right
  even before the worker runs;
- checkout refuses a family that is no longer approved, whatever copy a hold read.
"""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg
import msgspec

from rush.db import query
from rush.engine.staged_carts import StagedCarts
from rush.purchase.cart_lines import CartLine

__all__ = ["StagedCart", "copy_live_carts_to_postgres", "decode_staged_cart", "encode_staged_cart"]


class StagedCart(msgspec.Struct, frozen=True):
    cart_id: uuid.UUID
    lines: list[CartLine]


_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(StagedCart)


def encode_staged_cart(cart: StagedCart) -> bytes:
    return _encoder.encode(cart)


def decode_staged_cart(blob: bytes) -> StagedCart:
    return _decoder.decode(blob)


async def copy_live_carts_to_postgres(pool: asyncpg.Pool, staged: StagedCarts, sale_id: int) -> int:
    """Write-behind of holds made from staged copies; safe to run twice (first time wins)."""
    copied = 0
    while batch := await staged.went_live(sale_id):
        at = [dt.datetime.fromtimestamp(ms / 1000, dt.UTC) for _, _, ms in batch]
        await pool.execute(query("carts_went_live"), [cart for _, cart, _ in batch], at)
        await staged.forget_went_live(sale_id, [entry_id for entry_id, _, _ in batch])
        copied += len(batch)
    return copied
