"""arq WorkerSettings. Start workers with `uv run rush worker`, as many as you like.

The Redis address is passed by the `rush worker` command, so importing this module reads
nothing from the environment.
"""

from __future__ import annotations

from typing import Any, ClassVar

from arq import cron, func
from arq.cron import CronJob
from arq.typing import WorkerCoroutine

from rush import jobs
from rush.config import load_settings
from rush.production import refuse_unsafe_production
from rush.purchase.payments import deliver_charge_webhooks
from rush.services import open_services
from workers.jobs import (
    admit_due,
    charge_instalments,
    copy_admissions,
    deliver_webhook,
    finalize_order_job,
    offer_waitlist_places,
    publish_dashboards,
    reconcile_redis,
    refinalize_orders,
    self_pace_sales,
    send_account_link_job,
    send_cancellation_notice_job,
    send_family_decision_job,
    send_instalment_declined_job,
    send_order_confirmation_job,
    send_reminders,
    send_sign_up_again_job,
    send_waitlist_offer_job,
    sweep_expired_holds,
)

__all__ = ["WorkerSettings"]


async def startup(ctx: dict[str, Any]) -> None:
    settings = ctx.get("settings") or load_settings()
    refuse_unsafe_production(settings)  # `arq workers.settings.WorkerSettings` bypasses `rush`
    services = await open_services(settings, pool_size=5)
    ctx["settings"] = settings
    ctx["services"] = services
    ctx["provider"] = services.provider
    if ctx.get("post_simulated_webhooks", True):
        deliver_charge_webhooks(services.provider, ctx["redis"])


async def shutdown(ctx: dict[str, Any]) -> None:
    await ctx["services"].close()


def _every(job: WorkerCoroutine, name: str, **when: Any) -> CronJob:
    """`job` on a schedule, named after it and unique: many workers run each tick once."""
    return cron(job, name=jobs.cron_name(name), unique=True, **when)


class WorkerSettings:
    # Every job registered under its name in `rush.jobs`, which is what `web` enqueues.
    functions: ClassVar[list[Any]] = [
        func(finalize_order_job, name=jobs.FINALIZE_ORDER, max_tries=20),
        func(deliver_webhook, name=jobs.DELIVER_WEBHOOK, max_tries=10),
        func(send_order_confirmation_job, name=jobs.SEND_ORDER_CONFIRMATION, max_tries=10),
        func(send_waitlist_offer_job, name=jobs.SEND_WAITLIST_OFFER, max_tries=10),
        # Nothing of a link job is worth keeping once it ran: no result kept in Redis.
        func(send_account_link_job, name=jobs.SEND_ACCOUNT_LINK, max_tries=10, keep_result=0),
        func(send_sign_up_again_job, name=jobs.SEND_SIGN_UP_AGAIN, max_tries=10, keep_result=0),
        func(send_family_decision_job, name=jobs.SEND_FAMILY_DECISION, max_tries=10),
        func(send_cancellation_notice_job, name=jobs.SEND_CANCELLATION_NOTICE, max_tries=10),
        func(send_instalment_declined_job, name=jobs.SEND_INSTALMENT_DECLINED, max_tries=10),
        func(charge_instalments, name=jobs.CHARGE_INSTALMENTS),
        func(offer_waitlist_places, name=jobs.OFFER_WAITLIST_PLACES),
        func(send_reminders, name=jobs.SEND_REMINDERS),
        func(publish_dashboards, name=jobs.PUBLISH_DASHBOARDS),
        func(sweep_expired_holds, name=jobs.SWEEP_EXPIRED_HOLDS),
        func(reconcile_redis, name=jobs.RECONCILE_REDIS),
        func(refinalize_orders, name=jobs.REFINALIZE_ORDERS),
        func(admit_due, name=jobs.ADMIT_DUE),
        func(copy_admissions, name=jobs.COPY_ADMISSIONS),
        func(self_pace_sales, name=jobs.SELF_PACE_SALES),
    ]
    cron_jobs: ClassVar[list[Any]] = [
        _every(
            sweep_expired_holds,
            jobs.SWEEP_EXPIRED_HOLDS,
            second=set(range(0, 60, 5)),
            run_at_startup=True,
        ),
        _every(admit_due, jobs.ADMIT_DUE, second=set(range(60))),
        _every(copy_admissions, jobs.COPY_ADMISSIONS, second=set(range(0, 60, 2))),
        _every(reconcile_redis, jobs.RECONCILE_REDIS, second={30}),
        _every(refinalize_orders, jobs.REFINALIZE_ORDERS, second=set(range(7, 60, 10))),
        _every(offer_waitlist_places, jobs.OFFER_WAITLIST_PLACES, second=set(range(0, 60, 10))),
        _every(send_reminders, jobs.SEND_REMINDERS, minute={0}, second={15}),
        _every(
            charge_instalments,
            jobs.CHARGE_INSTALMENTS,
            minute=set(range(0, 60, 10)),
            second={40},
            run_at_startup=True,
        ),
        _every(publish_dashboards, jobs.PUBLISH_DASHBOARDS, second=set(range(60))),
        _every(self_pace_sales, jobs.SELF_PACE_SALES, second=set(range(2, 60, 5))),
    ]
    on_startup = startup
    on_shutdown = shutdown
