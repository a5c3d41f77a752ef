"""A family's cart for one sale: items in Postgres, their places held in the engine.

Each program in the cart is held under one hold, `cart:<cart id>`, replaced atomically as items
come and go. Before admission the cart is a draft that holds nothing; at admission every program
is taken at once (`hold_staged` from the copy `rush.purchase.staged_carts` keeps in Redis, else
`hold_cart` from Postgres), and what was taken is given back if any program is short. Edits
lock the cart row, so two tabs of one family never race each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import asyncpg
import msgspec

from rush.catalogue.eligibility import Purpose, check_sale_status, require_eligible
from rush.db import Executor, query
from rush.engine.hold_timing import HoldTimings
from rush.engine.holds import HoldEngine, HoldGranted, HoldStatus
from rush.engine.staged_carts import StagedCarts
from rush.errors import (
    FamilyNotApproved,
    HoldExpired,
    InvalidCartRequest,
    UnknownSale,
)
from rush.purchase.cart_lines import CartLine, cart_line, cart_lines
from rush.purchase.staged_carts import StagedCart, encode_staged_cart

__all__ = [
    "TSHIRT_SIZE_CHOICES",
    "CartHold",
    "CartLine",
    "CartView",
    "Carts",
    "cart_lines",
    "hold_id_for",
]

TSHIRT_SIZE_CHOICES = ("2-4", "6-8", "10-12", "14-16", "XS", "S", "M", "L", "XL")
"""Children's sizes first, in the order a form lists them."""
TSHIRT_SIZES = frozenset(TSHIRT_SIZE_CHOICES)


def hold_id_for(cart_id: uuid.UUID) -> str:
    return f"cart:{cart_id}"


class CartHold(msgspec.Struct, frozen=True):
    program_id: int
    status: str
    """'live', 'expired' (places lost: add them again) or 'draft' (not held yet)."""
    expires_in_ms: int


class CartView(msgspec.Struct, frozen=True):
    cart_id: uuid.UUID | None
    sale_id: int
    lines: list[CartLine]
    holds: list[CartHold]
    total_cents: int
    expires_in_ms: int | None
    """Time left on the soonest hold, by the Redis clock: what the countdown shows."""


@dataclass(frozen=True, slots=True)
class HoldTimes:
    ttl_ms: int
    max_lifetime_ms: int


class Carts:
    """Cart operations; `live` means the family is admitted and its items are held."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        engine: HoldEngine,
        times: HoldTimes,
        timings: HoldTimings | None = None,
    ) -> None:
        self._pool = pool
        self._engine = engine
        self._times = times
        self._timings = timings
        self.staged = StagedCarts(engine.redis)
        """The carts' copies in Redis, beside the engine that holds their places."""

    async def add(
        self,
        family_id: int,
        sale_id: int,
        person_ids: Sequence[int],
        group_ids: Sequence[int],
        options: Mapping[str, str] | None = None,
        *,
        live: bool,
        options_by_person: Mapping[int, Mapping[str, str]] | None = None,
    ) -> CartView:
        """Add every person to every group (siblings, camp weeks, daycare), all or nothing.
        `options` apply to everyone; `options_by_person` override them per child (siblings
        wear different t-shirt sizes)."""
        if not person_ids or not group_ids:
            raise InvalidCartRequest("choose at least one person and one group")
        each = options_by_person or {}
        clean_options = {
            p: json.dumps(_checked_options({**(options or {}), **each.get(p, {})}))
            for p in person_ids
        }
        purpose = Purpose.HOLD if live else Purpose.DRAFT
        await self.staged.unstage(family_id, [sale_id])
        async with self._pool.acquire() as conn, conn.transaction():
            cart_id = await _lock_cart(conn, family_id, sale_id)
            lines = await cart_lines(conn, cart_id)
            in_cart = {(line.person_id, line.group_id) for line in lines}
            groups = await require_eligible(
                conn, family_id, sale_id, person_ids, group_ids, purpose, in_cart
            )
            new = [
                (cart_id, g.program_id, p, g.group_id, g.price_cents, clean_options[p])
                for p in dict.fromkeys(person_ids)
                for g in groups.values()
            ]
            touched = {g.program_id for g in groups.values()}
            if live:
                await self._hold_programs(
                    sale_id, cart_id, lines, [(n[1], n[3]) for n in new], touched
                )
                await conn.execute(query("cart_mark_live"), cart_id)
            try:
                await conn.executemany(query("cart_insert_item"), new)
            except BaseException:
                if live:
                    await self._restore(cart_id, lines, touched)
                raise
        view = await self.view(family_id, sale_id)
        # Eligibility (an approved family among the rest) was checked in the transaction.
        await self._stage(family_id, view)
        return view

    async def remove(self, family_id: int, sale_id: int, item_ids: Sequence[int]) -> CartView:
        """Remove items and give their places back at once; a camp week takes the same
        child's daycare slot of that week with it (a daycare slot needs its week). The staged
        copy goes, and comes back with the next hold from Postgres, which checks the family."""
        await self.staged.unstage(family_id, [sale_id])
        async with self._pool.acquire() as conn, conn.transaction():
            cart_id = await _lock_cart(conn, family_id, sale_id)
            asked = set(item_ids)
            before = await cart_lines(conn, cart_id)
            weeks = {(x.person_id, x.group_id) for x in before if x.item_id in asked}
            linked = [
                line.item_id for line in before if (line.person_id, line.week_group_id) in weeks
            ]
            removed = await conn.fetch(query("cart_delete_items"), cart_id, [*asked, *linked])
            if not removed:
                raise InvalidCartRequest("no such item in this cart")
            lines = await cart_lines(conn, cart_id)
            await self._restore(cart_id, lines, {r["program_id"] for r in removed})
        return await self.view(family_id, sale_id)

    async def hold_staged(self, sale_id: int, staged: StagedCart) -> CartView:
        """At admission, hold every program of the staged cart; a short program undoes this call.

        The busiest write of a rush: one hold script per program, run at once, whose replies
        give the view; Postgres learns the cart went live from the log a worker drains."""
        lines = list(staged.lines)
        grants = await self._hold_programs(
            sale_id, staged.cart_id, lines, [], {line.program_id for line in lines}
        )
        if grants:  # an empty cart has nothing live to tell
            now_ms = max(grant.now_ms for grant in grants.values())
            await self.staged.record_went_live(sale_id, staged.cart_id, now_ms)
        holds = [CartHold(p, "live", grant.expires_in_ms) for p, grant in grants.items()]
        return _cart_view(sale_id, staged.cart_id, lines, holds)

    async def hold_cart(self, family_id: int, sale_id: int) -> CartView:
        """At admission, hold every program of the cart from Postgres (no staged copy: the
        cart is staged again for the next time); a short program undoes this call.

        One Postgres statement (sale open, family approved, cart locked, marked live, priced
        and read) and one hold script per program, whose replies give the view.
        """
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(query("cart_take_for_hold"), family_id, sale_id)
            check_sale_status(sale_id, rows[0]["sale_status"], Purpose.HOLD)
            if rows[0]["family_status"] != "approved":
                raise FamilyNotApproved(family_id)
            cart_id = rows[0]["cart_id"]
            if cart_id is None:  # nothing prepared: an empty cart, live from now on
                cart_id = await _lock_cart(conn, family_id, sale_id)
                await conn.execute(query("cart_mark_live"), cart_id)
            lines = [cart_line(r) for r in rows if r["id"] is not None]
            grants = await self._hold_programs(
                sale_id, cart_id, lines, [], {line.program_id for line in lines}
            )
        holds = [CartHold(p, "live", grant.expires_in_ms) for p, grant in grants.items()]
        view = _cart_view(sale_id, cart_id, lines, holds)
        await self._stage(family_id, view)
        return view

    async def _stage(self, family_id: int, view: CartView) -> None:
        if view.cart_id is not None:
            cart = encode_staged_cart(StagedCart(view.cart_id, view.lines))
            await self.staged.stage(family_id, view.sale_id, cart)

    async def extend_holds(self, family_id: int, sale_id: int, ttl_ms: int) -> CartView:
        """More time for a family's live holds (never past each hold's latest expiry, which the
        hold script keeps); a hold already expired stays expired."""
        for cart_id, program_id in await self._held_programs(family_id, sale_id):
            with contextlib.suppress(HoldExpired):
                await self._engine.extend(program_id, hold_id_for(cart_id), ttl_ms)
        return await self.view(family_id, sale_id)

    async def release_holds(self, family_id: int, sale_id: int) -> int:
        """Staff free a family's held places now; its cart then shows them as lost."""
        released = 0
        for cart_id, program_id in await self._held_programs(family_id, sale_id):
            released += await self._engine.release(program_id, hold_id_for(cart_id))
        return released

    async def _held_programs(self, family_id: int, sale_id: int) -> list[tuple[uuid.UUID, int]]:
        async with self._pool.acquire() as conn:
            cart = await conn.fetchrow(query("cart_open"), family_id, sale_id)
            if cart is None:
                return []
            lines = await cart_lines(conn, cart["id"])
        return [(cart["id"], p) for p in dict.fromkeys(line.program_id for line in lines)]

    async def view(self, family_id: int, sale_id: int) -> CartView:
        """The family's cart of a sale (empty before its first item); `UnknownSale` when no
        such sale exists, rather than an empty cart of nothing."""
        async with self._pool.acquire() as conn:
            cart = await conn.fetchrow(query("cart_open_of_sale"), family_id, sale_id)
            if cart is None:
                raise UnknownSale(sale_id)
            lines = await cart_lines(conn, cart["id"]) if cart["id"] else []
        if cart["id"] is None:
            return await self._view(sale_id, None, [], live=False)
        return await self._view(sale_id, cart["id"], lines, live=cart["live_since"] is not None)

    async def _view(
        self, sale_id: int, cart_id: uuid.UUID | None, lines: list[CartLine], *, live: bool
    ) -> CartView:
        """The cart as the family sees it: its lines and each program's hold, read from Redis."""
        holds = []
        for program_id in dict.fromkeys(line.program_id for line in lines):
            assert cart_id is not None
            hold = await self._engine.inspect(program_id, hold_id_for(cart_id))
            if hold.status is HoldStatus.LIVE:
                status = "live"
            elif live:
                status = "expired"  # the cart was held once: its places are gone
            else:
                status = "draft"
            holds.append(CartHold(program_id, status, hold.expires_in_ms))
        return _cart_view(sale_id, cart_id, lines, holds)

    async def _hold_programs(
        self,
        sale_id: int,
        cart_id: uuid.UUID,
        lines: list[CartLine],
        new: list[tuple[int, int]],
        programs: set[int],
    ) -> dict[int, HoldGranted]:
        """Hold each program's full item set, all at once; on a shortage undo exactly what this
        call did."""
        counts = _counts_by_program(lines, new)
        hold_id = hold_id_for(cart_id)

        async def hold(program_id: int) -> tuple[HoldGranted, float]:
            started = time.perf_counter()
            granted = await self._engine.hold(
                program_id,
                hold_id,
                counts[program_id],
                self._times.ttl_ms,
                self._times.max_lifetime_ms,
            )
            return granted, (time.perf_counter() - started) * 1000

        ordered = sorted(programs)
        replies = await asyncio.gather(*(hold(p) for p in ordered), return_exceptions=True)
        grants = {p: r[0] for p, r in zip(ordered, replies, strict=True) if isinstance(r, tuple)}
        failures = [r for r in replies if isinstance(r, BaseException)]
        if failures:
            for program_id, granted in grants.items():
                if granted.replaced:
                    await self._restore(cart_id, lines, {program_id})
                else:
                    await self._engine.release(program_id, hold_id)
            raise failures[0]
        timings = [(r[1], r[0].now_ms) for r in replies if isinstance(r, tuple)]
        if self._timings is not None:
            # One pipelined write for the whole cart, not one round trip per program held.
            await self._timings.record_all(sale_id, timings)
        return grants

    async def _restore(self, cart_id: uuid.UUID, lines: list[CartLine], programs: set[int]) -> None:
        """Bring each program's hold back to exactly the cart's lines (fewer places: it fits)."""
        counts = _counts_by_program(lines, [])
        for program_id in programs:
            hold_id = hold_id_for(cart_id)
            if not counts.get(program_id):
                await self._engine.release(program_id, hold_id)
                continue
            view = await self._engine.inspect(program_id, hold_id)
            if view.status is not HoldStatus.LIVE:
                continue  # never held, or expired: nothing to give back
            await self._engine.hold(
                program_id,
                hold_id,
                counts[program_id],
                self._times.ttl_ms,
                self._times.max_lifetime_ms,
            )


def _counts_by_program(
    lines: list[CartLine], new: list[tuple[int, int]]
) -> dict[int, dict[int, int]]:
    pairs = [(line.program_id, line.group_id) for line in lines] + new
    counts: dict[int, Counter[int]] = {}
    for program_id, group_id in pairs:
        counts.setdefault(program_id, Counter())[group_id] += 1
    return {program_id: dict(c) for program_id, c in counts.items()}


def _checked_options(options: Mapping[str, str]) -> dict[str, str]:
    unknown = set(options) - {"tshirt_size"}
    if unknown:
        raise InvalidCartRequest(f"unknown option(s): {', '.join(sorted(unknown))}")
    size = options.get("tshirt_size")
    if size is not None and size not in TSHIRT_SIZES:
        raise InvalidCartRequest("unknown t-shirt size")
    return dict(options)


async def _lock_cart(conn: Executor, family_id: int, sale_id: int) -> uuid.UUID:
    cart_id: uuid.UUID | None = await conn.fetchval(query("cart_lock_open"), family_id, sale_id)
    if cart_id is None:
        try:
            await conn.execute(query("cart_insert"), uuid.uuid4(), family_id, sale_id)
        except asyncpg.ForeignKeyViolationError as exc:
            raise UnknownSale(sale_id) from exc
        cart_id = await conn.fetchval(query("cart_lock_open"), family_id, sale_id)
    assert cart_id is not None
    return cart_id


def _cart_view(
    sale_id: int, cart_id: uuid.UUID | None, lines: list[CartLine], holds: list[CartHold]
) -> CartView:
    live_expiries = [h.expires_in_ms for h in holds if h.status == "live"]
    return CartView(
        cart_id=cart_id,
        sale_id=sale_id,
        lines=lines,
        holds=holds,
        total_cents=sum(line.price_cents for line in lines),
        expires_in_ms=min(live_expiries) if live_expiries else None,
    )
