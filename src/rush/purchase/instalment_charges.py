"""The second instalment, charged on the card saved at the first payment, and what happens
when that charge is declined.

A family that chose two instalments authorised, at checkout, the town to charge the second to
the card it paid the first with (`instalment_consent`); the provider saved that card. On the
due date (the database's date) a worker charges it once, off-session: each attempt is a row
of `instalment_charge` written before the provider is asked, under its own idempotency key
(`<payment id>:charge:<attempt>`), so running the job twice, or after a crash, charges once.
The outcome arrives as any payment's does, through the provider's webhook.

The decline policy (the README's payments section says the same):

1. A declined charge emails the family (its language, its first name): the amount, the day the
   card is tried again, the last day to pay, and a link to its order page, where it may pay
   with another card at any time.
2. The card is charged again `instalment_retry_days` (3) days after each decline, and staff
   may retry it at once from the order's page (`/ops/orders`), where overdue and declined
   second instalments are flagged and counted on the dashboard.
3. `instalment_grace_days` (7) days after the first decline, an instalment still unpaid ends
   the order: its places are cancelled and offered to the waitlist, the family is emailed the
   cancellation, and its first instalment is refunded in full. The family was told at each
   decline and could pay any day; it does not pay for places it loses; the places go to the
   next family waiting, as any cancelled place does.
"""

from __future__ import annotations

import uuid

import asyncpg
import msgspec

from rush.db import query
from rush.errors import RushError
from rush.jobs import CHARGE_INSTALMENTS, JobQueue
from rush.ops.staff_log import log_staff_action
from rush.purchase.orders import CheckoutResult, order_view
from rush.purchase.payments.provider import PaymentProvider, SavedCard
from rush.purchase.staff_cancellations import cancel_and_refund
from rush.services import Services

__all__ = [
    "ChargeAsked",
    "NoChargeToRetry",
    "StartedCharge",
    "charge_due_instalments",
    "lapse_unpaid_instalments",
    "pay_declined_instalment",
    "retry_charge_now",
    "settle_charges",
]


class NoChargeToRetry(RushError):
    """Staff asked to charge a second instalment that is paid, under way, or has no card."""

    code = "no_charge_to_retry"
    status = 409


class ChargeAsked(msgspec.Struct, frozen=True):
    """A charge staff asked for: a worker sends it to the provider within seconds."""

    charge_id: int
    order_id: uuid.UUID


class StartedCharge(msgspec.Struct, frozen=True):
    """An off-session charge the provider took in: its outcome comes by webhook."""

    charge_id: int
    order_id: uuid.UUID
    provider_ref: str


async def charge_due_instalments(
    pool: asyncpg.Pool, provider: PaymentProvider, retry_days: int
) -> list[StartedCharge]:
    """Charge every second instalment due today or before, never tried or declined at least
    `retry_days` ago; and send again any attempt the provider never answered (a crash)."""
    for row in await pool.fetch(query("instalment_charges_due"), retry_days):
        await pool.fetchrow(query("instalment_charge_open"), row["id"], None)
    return [await _send(pool, provider, row) for row in await _unsent(pool, None)]


async def retry_charge_now(
    services: Services, jobs: JobQueue, staff_account_id: int, order_id: uuid.UUID
) -> ChargeAsked:
    """Staff charge an unpaid second instalment again now: the attempt is written here and a
    worker sends it at once, as it sends the schedule's."""
    pool = services.pool
    payment = await pool.fetchrow(query("instalment_charge_retryable"), order_id)
    if payment is None:
        raise NoChargeToRetry(f"order {order_id} has no second instalment to charge now")
    opened = await pool.fetchrow(query("instalment_charge_open"), payment["id"], staff_account_id)
    if opened is None:
        raise NoChargeToRetry(f"a charge of order {order_id} is already under way")
    await log_staff_action(
        pool,
        staff_account_id,
        "retry_instalment_charge",
        payment["sale_id"],
        order_id=str(order_id),
        cents=payment["amount_cents"],
    )
    await jobs.enqueue_job(CHARGE_INSTALMENTS, _job_id=f"{CHARGE_INSTALMENTS}:{opened['id']}")
    return ChargeAsked(charge_id=opened["id"], order_id=order_id)


async def settle_charges(pool: asyncpg.Pool) -> list[int]:
    """Give each attempt the outcome its webhook told; returns the attempts declined now,
    whose instalment becomes `failed` (its grace period starting at the first decline)."""
    return [row["id"] for row in await pool.fetch(query("instalment_charges_settle"))]


async def lapse_unpaid_instalments(
    services: Services, jobs: JobQueue, grace_days: int
) -> list[uuid.UUID]:
    """Cancel and refund the orders whose second instalment is unpaid `grace_days` after its
    first decline (the third rule of the policy); returns those orders."""
    lapsed = [
        row["id"] for row in await services.pool.fetch(query("instalments_past_grace"), grace_days)
    ]
    for order_id in lapsed:
        await cancel_and_refund(
            services, jobs, None, order_id, registration_id=None, amount_cents=None
        )
    return lapsed


async def pay_declined_instalment(
    services: Services, family_id: int, order_id: uuid.UUID, return_url: str
) -> CheckoutResult:
    """The family pays its declined second instalment itself, on the provider's page, with
    another card: one page per decline (the key names it), resumed if opened again."""
    view = await order_view(services.pool, order_id, family_id)
    row = await services.pool.fetchrow(query("instalment_declined_of_order"), order_id)
    if row is None:
        return view
    opened = await services.provider.create_payment(
        row["id"],
        row["amount_cents"],
        idempotency_key=f"{row['id']}:page-after-decline-{row['declines']}",
        description=f"Rush order {order_id} (2/2)",
        return_url=return_url.format(order_id=order_id),
    )
    await services.pool.execute(query("provider_payment_opened"), row["id"], opened.ref)
    return msgspec.structs.replace(view, payment_url=opened.redirect_url)


async def _unsent(pool: asyncpg.Pool, charge_id: int | None) -> list[asyncpg.Record]:
    return list(await pool.fetch(query("instalment_charges_unsent"), charge_id))


async def _send(
    pool: asyncpg.Pool, provider: PaymentProvider, row: asyncpg.Record
) -> StartedCharge:
    """Ask the provider under the attempt's key; the same key again after any failure."""
    ref = await provider.charge_saved_card(
        row["payment_id"],
        row["amount_cents"],
        idempotency_key=row["idempotency_key"],
        description=f"Rush order {row['order_id']} (2/2)",
        card=SavedCard(
            customer_ref=row["customer_ref"], payment_method_ref=row["payment_method_ref"]
        ),
    )
    await pool.execute(query("provider_payment_opened"), row["payment_id"], ref)
    await pool.execute(query("instalment_charge_sent"), row["id"], ref)
    return StartedCharge(row["id"], row["order_id"], ref)
