"""Checkout: from a held cart to an order waiting for its first payment.

Terms must be accepted; one payment, or two instalments when the sale offers them above an
amount and the family authorises the second to be charged to the card it pays the first with
(`instalment_consent`: the first payment then saves the card). Starting payment extends
the cart's holds once by the sale's payment window, and a 0 $ cart is confirmed at once, with
no payment at all.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter

import asyncpg

from rush.db import query
from rush.engine.holds import HoldEngine, HoldStatus
from rush.errors import (
    CartEmpty,
    CartHoldsLost,
    FamilyNotApproved,
    InstalmentConsentMissing,
    InstalmentsNotOffered,
    SaleNotOpen,
    TermsNotAccepted,
)
from rush.i18n import DEFAULT_LOCALE
from rush.purchase.cart_lines import CartLine, cart_lines
from rush.purchase.carts import hold_id_for
from rush.purchase.instalment_consent import instalment_consent
from rush.purchase.orders import (
    CheckoutResult,
    Instalment,
    OrderLineDraft,
    finalize_order,
    order_result,
    write_order,
)
from rush.purchase.payments.provider import PaymentProvider
from rush.services import Services

__all__ = ["CheckoutResult", "Instalment", "split_instalments", "start_checkout"]


def split_instalments(
    total_cents: int, count: int, today: dt.date, second_due_on: dt.date | None
) -> list[Instalment]:
    """One payment today, or two: the larger half today, the rest on the sale's date."""
    if count == 1:
        return [Instalment(1, total_cents, today)]
    assert second_due_on is not None
    second = total_cents // 2
    return [Instalment(1, total_cents - second, today), Instalment(2, second, second_due_on)]


async def start_checkout(
    services: Services,
    provider: PaymentProvider,
    family_id: int,
    sale_id: int,
    *,
    accept_terms: bool,
    instalments: int,
    return_url: str,
    authorise_second_instalment: bool = False,
    locale: str = DEFAULT_LOCALE,
) -> CheckoutResult:
    """Turn the family's open cart into an order; a repeated call answers the same order.

    Two instalments need `authorise_second_instalment`; the order keeps the sentence the
    family read, in its `locale`."""
    if not accept_terms:
        raise TermsNotAccepted("the payment terms must be accepted")
    if instalments not in (1, 2):
        raise InstalmentsNotOffered("one payment or two instalments")
    if instalments == 2 and not authorise_second_instalment:
        raise InstalmentConsentMissing("two instalments need the card to be authorised")
    pool, engine = services.pool, services.engine
    # The cart leaves the shop: its staged copy must never hold its places again.
    await services.carts.staged.unstage(family_id, [sale_id])
    async with pool.acquire() as conn, conn.transaction():
        sale = await conn.fetchrow(query("checkout_sale_terms"), sale_id, family_id)
        if sale is None or sale["status"] not in ("open", "paused"):
            raise SaleNotOpen(sale_id, sale["status"] if sale else "unknown")
        if sale["family_status"] != "approved":
            raise FamilyNotApproved(family_id)
        cart_id = await conn.fetchval(query("cart_lock_open"), family_id, sale_id)
        if cart_id is not None:  # held from its staged copy before the worker told Postgres
            await conn.execute(query("carts_went_live"), [cart_id], [None])
        if cart_id is None:
            existing = await conn.fetchval(query("order_latest_awaiting"), family_id, sale_id)
            if existing is not None:
                return await order_result(services, provider, existing, return_url)
            raise CartEmpty("the cart is empty")
        lines = await cart_lines(conn, cart_id)
        if not lines:
            raise CartEmpty("the cart is empty")
        await _require_live_holds(engine, cart_id, lines)
        total = sum(line.price_cents for line in lines)
        if instalments == 2 and not _two_instalments_offered(sale, total):
            raise InstalmentsNotOffered("two instalments are not offered for this cart")
        order_id = uuid.uuid4()
        schedule = split_instalments(
            total, instalments, dt.date.today(), sale["second_instalment_due_on"]
        )
        drafts = [
            OrderLineDraft(
                line.person_id,
                line.group_id,
                line.program_id,
                hold_id_for(cart_id),
                line.price_cents,
                line.options,
            )
            for line in lines
        ]
        consent = None
        if instalments == 2:
            consent = instalment_consent(schedule[1].amount_cents, schedule[1].due_on, locale)
        await write_order(conn, order_id, family_id, sale_id, drafts, schedule, consent)
        await conn.execute(query("cart_check_out"), cart_id, order_id)
    if total == 0:
        await finalize_order(services, provider, order_id)
    else:
        window_ms = sale["payment_window_seconds"] * 1000
        for program_id in dict.fromkeys(line.program_id for line in lines):
            await engine.extend(program_id, hold_id_for(cart_id), window_ms)
    return await order_result(services, provider, order_id, return_url)


def _two_instalments_offered(sale: asyncpg.Record, total: int) -> bool:
    minimum, due_on = sale["two_instalments_min_cents"], sale["second_instalment_due_on"]
    return minimum is not None and due_on is not None and total >= minimum


async def _require_live_holds(
    engine: HoldEngine, cart_id: uuid.UUID, lines: list[CartLine]
) -> None:
    """Every program's hold must be live and carry exactly the cart's places."""
    wanted: dict[int, Counter[int]] = {}
    for line in lines:
        wanted.setdefault(line.program_id, Counter())[line.group_id] += 1
    lost = []
    for program_id, counts in wanted.items():
        view = await engine.inspect(program_id, hold_id_for(cart_id))
        if view.status is not HoldStatus.LIVE or view.items != dict(counts):
            lost.append(program_id)
    if lost:
        raise CartHoldsLost(lost)
