"""arq jobs: thin shells that call the domain in `rush`."""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from typing import Any

import httpx
import msgspec
from arq import Retry

from rush.emails.notifications import (
    send_account_link,
    send_cancellation_notice,
    send_family_decision,
    send_instalment_declined,
    send_instalment_reminders,
    send_order_confirmation,
    send_sign_up_again,
    send_waitlist_offer,
)
from rush.engine.drift_log import record_drift
from rush.engine.reconcile import reconcile_all
from rush.jobs import (
    FINALIZE_ORDER,
    SEND_INSTALMENT_DECLINED,
    SEND_ORDER_CONFIRMATION,
    SEND_WAITLIST_OFFER,
    finalize_sweep_id,
    instalment_declined_email_id,
    order_confirmation_id,
    waitlist_offer_email_id,
)
from rush.ops.dashboard import build_snapshot, dashboard_channel
from rush.ops.dashboard_history import record_point
from rush.ops.dashboard_latest import store_latest
from rush.purchase.finalize_sweep import orders_to_refinalize
from rush.purchase.instalment_charges import (
    charge_due_instalments,
    lapse_unpaid_instalments,
    settle_charges,
)
from rush.purchase.orders import FinalizeOutcome, finalize_order
from rush.purchase.payments import SignedWebhook, WebhookEvent, deliver
from rush.purchase.staged_carts import copy_live_carts_to_postgres
from rush.purchase.waitlist import expire_offers, offer_freed_places
from rush.room.sales import copy_admissions_to_postgres
from rush.room.self_pacer import pace_open_sales
from rush.services import Services
from workers.channels import dashboard_backend
from workers.retries import retry_while_servers_are_away

log = logging.getLogger("rush.workers")


def _services(ctx: dict[str, Any]) -> Services:
    services: Services = ctx["services"]
    return services


async def finalize_order_job(ctx: dict[str, Any], order_id: str) -> str:
    """Registrations in Postgres, then the confirm in Redis; safe to retry at any point.

    Retried while a server or the provider is unreachable: a conflict whose refund failed
    would otherwise keep the family's money.
    """
    with retry_while_servers_are_away(ctx):
        outcome = await finalize_order(_services(ctx), ctx["provider"], uuid.UUID(order_id))
    log.info("finalize %s: %s", order_id, outcome.value)
    await _tell_declined_charges(ctx, await settle_charges(_services(ctx).pool))
    if outcome is FinalizeOutcome.PAID:
        # One job id per order: a finalize retried after a crash asks for the email once more,
        # and send_once makes sure it leaves once.
        await ctx["redis"].enqueue_job(
            SEND_ORDER_CONFIRMATION, order_id, _job_id=order_confirmation_id(order_id)
        )
    return outcome.value


async def _tell_declined_charges(ctx: dict[str, Any], charge_ids: list[int]) -> None:
    for charge_id in charge_ids:
        await ctx["redis"].enqueue_job(
            SEND_INSTALMENT_DECLINED, charge_id, _job_id=instalment_declined_email_id(charge_id)
        )


async def charge_instalments(ctx: dict[str, Any]) -> int:
    """Second instalments on the saved card and the decline policy, in order: record the
    outcomes webhooks told (emailing each decline), end the orders past the grace period,
    then charge what falls due; returns the charges started."""
    services = _services(ctx)
    settings = services.settings
    with retry_while_servers_are_away(ctx):
        await _tell_declined_charges(ctx, await settle_charges(services.pool))
        lapsed = await lapse_unpaid_instalments(
            services, ctx["redis"], settings.instalment_grace_days
        )
        started = await charge_due_instalments(
            services.pool, ctx["provider"], settings.instalment_retry_days
        )
    if lapsed:
        log.warning("%d order(s) cancelled: second instalment unpaid after the grace", len(lapsed))
    return len(started)


async def send_instalment_declined_job(ctx: dict[str, Any], charge_id: int) -> bool:
    services = _services(ctx)
    with retry_while_servers_are_away(ctx):
        return await send_instalment_declined(services.pool, services.settings, charge_id)


async def refinalize_orders(ctx: dict[str, Any]) -> int:
    """Queue finalize again for paid orders it never settled: their job was lost with Redis."""
    orders = await orders_to_refinalize(_services(ctx).pool)
    minute = int(time.time() // 60)  # a fresh job id each minute: a finished sweep job
    for order_id in orders:  # keeps its id for an hour
        await ctx["redis"].enqueue_job(
            FINALIZE_ORDER, str(order_id), _job_id=finalize_sweep_id(order_id, minute)
        )
    if orders:
        log.warning("finalize queued again for %d order(s) it never settled", len(orders))
    return len(orders)


async def send_order_confirmation_job(ctx: dict[str, Any], order_id: str) -> bool:
    services = _services(ctx)
    with retry_while_servers_are_away(ctx):
        return await send_order_confirmation(services.pool, services.settings, uuid.UUID(order_id))


async def deliver_webhook(ctx: dict[str, Any], body: bytes, signature_header: str, url: str) -> int:
    """Post a simulated provider's webhook to the app, retried by arq until it is taken."""
    webhook = SignedWebhook(body, signature_header, msgspec.json.decode(body, type=WebhookEvent))
    with retry_while_servers_are_away(ctx):  # a web process being replaced, say
        async with httpx.AsyncClient(timeout=10) as client:
            status = await deliver(webhook, url, client)
    if status >= 500:
        raise Retry(defer=ctx["job_try"] * 2)
    return status


async def sweep_expired_holds(ctx: dict[str, Any]) -> int:
    """Purge expired holds of every known program, so idle programs show fresh counts."""
    engine = _services(ctx).engine
    purged = 0
    for program_id in await engine.known_programs():
        purged += await engine.sweep(program_id)
    if purged:
        log.info("swept %d expired hold(s)", purged)
    return purged


async def admit_due(ctx: dict[str, Any]) -> int:
    """Admit whoever is due in every sale, even when nobody happens to poll."""
    room = _services(ctx).room
    return sum([await room.admit_due(sale_id) for sale_id in await room.known_sales()])


async def copy_admissions(ctx: dict[str, Any]) -> int:
    """Keep Postgres up to date with the room's logs in Redis: the fairness log, and the carts
    held from their staged copy (the cart view tells a lost hold from a draft by it)."""
    services = _services(ctx)
    copied = 0
    for sale_id in await services.room.known_sales():
        copied += await copy_admissions_to_postgres(services.pool, services.room, sale_id)
        copied += await copy_live_carts_to_postgres(services.pool, services.carts.staged, sale_id)
    return copied


async def reconcile_redis(ctx: dict[str, Any]) -> int:
    """Rebuild Redis counts from Postgres and report every drift it repaired."""
    services = _services(ctx)
    drifts = await reconcile_all(services.pool, services.engine)
    for drift in drifts:
        for group in drift.groups:
            log.warning(
                "reconcile repaired program %d group %d: capacity %s paid %s held %s",
                drift.program_id,
                group.group_id,
                group.capacity,
                group.paid,
                group.held,
            )
    repaired = sum(len(drift.groups) for drift in drifts)
    await record_drift(services.redis, repaired)
    return repaired


async def offer_waitlist_places(ctx: dict[str, Any]) -> int:
    """Lapse old offers, then hold freed places for the next families and tell them."""
    services = _services(ctx)
    await expire_offers(services.pool)
    offers = await offer_freed_places(services.pool, services.engine)
    for offer in offers:
        await ctx["redis"].enqueue_job(
            SEND_WAITLIST_OFFER, offer.entry_id, _job_id=waitlist_offer_email_id(offer.entry_id)
        )
    return len(offers)


async def send_waitlist_offer_job(ctx: dict[str, Any], entry_id: int) -> bool:
    services = _services(ctx)
    accept_url = f"{services.settings.public_base_url}/api/v1/waitlist/{entry_id}/accept"
    return await send_waitlist_offer(services.pool, services.settings, entry_id, accept_url)


async def send_reminders(ctx: dict[str, Any]) -> int:
    """Second-instalment reminders, a week ahead."""
    services = _services(ctx)
    return await send_instalment_reminders(
        services.pool, services.settings, ctx["provider"], dt.date.today()
    )


async def send_account_link_job(ctx: dict[str, Any], account_id: int, purpose: str) -> bool:
    services = _services(ctx)
    return await send_account_link(services.pool, services.settings, account_id, purpose)


async def send_sign_up_again_job(ctx: dict[str, Any], account_id: int, attempt_id: str) -> bool:
    services = _services(ctx)
    return await send_sign_up_again(services.pool, services.settings, account_id, attempt_id)


async def send_cancellation_notice_job(ctx: dict[str, Any], registration_ids: list[int]) -> bool:
    services = _services(ctx)
    with retry_while_servers_are_away(ctx):
        return await send_cancellation_notice(services.pool, services.settings, registration_ids)


async def send_family_decision_job(ctx: dict[str, Any], family_id: int, approved: bool) -> bool:
    services = _services(ctx)
    return await send_family_decision(services.pool, services.settings, family_id, approved)


async def self_pace_sales(ctx: dict[str, Any]) -> int:
    """Move the admission rate of open sales with self-pacing on; each change is logged."""
    changes = await pace_open_sales(_services(ctx))
    for change in changes:
        log.info(
            "self-pacing sale %d: %d -> %d per min (hold p99 %s ms, finalize lag %s ms)",
            change.sale_id,
            change.rate_before,
            change.rate_after,
            change.signals.hold_p99_ms,
            change.signals.finalize_lag_ms,
        )
    return len(changes)


async def publish_dashboards(ctx: dict[str, Any]) -> int:
    """One dashboard snapshot per sale per second, for every watcher of every web process,
    kept in Redis too so `/metrics` scrapes read it instead of querying, and a chart point
    every 5 s."""
    services = _services(ctx)
    channels = dashboard_backend(services.jobs_redis)
    sales = await services.room.known_sales()
    snapshots = []
    for sale_id in sales:
        snapshot = await build_snapshot(services, sale_id)
        await channels.publish(msgspec.json.encode(snapshot), [dashboard_channel(sale_id)])
        await record_point(services.redis, snapshot)
        snapshots.append(snapshot)
    await store_latest(services.redis, snapshots)
    return len(sales)
