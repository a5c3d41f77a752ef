"""arq WorkerSettings. Start workers with `uv run rush worker`, as many as you like.

The Redis address is passed by the `rush worker` command, so importing this module reads
nothing from the environment.
"""

from __future__ import annotations

from typing import Any, ClassVar

from arq import cron, func

from rush.config import load_settings
from rush.services import open_services
from workers.jobs import (
    admit_due,
    copy_admissions,
    deliver_webhook,
    finalize_order_job,
    offer_waitlist_places,
    publish_dashboards,
    reconcile_redis,
    refinalize_orders,
    self_pace_sales,
    send_account_link_job,
    send_family_decision_job,
    send_order_confirmation_job,
    send_reminders,
    send_waitlist_offer_job,
    sweep_expired_holds,
)

__all__ = ["WorkerSettings"]


async def startup(ctx: dict[str, Any]) -> None:
    settings = ctx.get("settings") or load_settings()
    services = await open_services(settings, pool_size=5)
    ctx["settings"] = settings
    ctx["services"] = services
    ctx["provider"] = services.provider


async def shutdown(ctx: dict[str, Any]) -> None:
    await ctx["services"].close()


class WorkerSettings:
    functions: ClassVar[list[Any]] = [
        func(finalize_order_job, name="finalize_order", max_tries=20),
        func(deliver_webhook, name="deliver_webhook", max_tries=10),
        func(send_order_confirmation_job, name="send_order_confirmation", max_tries=10),
        func(send_waitlist_offer_job, name="send_waitlist_offer", max_tries=10),
        func(send_account_link_job, name="send_account_link", max_tries=10),
        func(send_family_decision_job, name="send_family_decision", max_tries=10),
        offer_waitlist_places,
        send_reminders,
        publish_dashboards,
        sweep_expired_holds,
        reconcile_redis,
        refinalize_orders,
        admit_due,
        copy_admissions,
        self_pace_sales,
    ]
    cron_jobs: ClassVar[list[Any]] = [
        # unique: with many workers, each tick runs once, not once per worker.
        cron(sweep_expired_holds, second=set(range(0, 60, 5)), run_at_startup=True, unique=True),
        cron(admit_due, second=set(range(60)), unique=True),
        cron(copy_admissions, second=set(range(0, 60, 2)), unique=True),
        cron(reconcile_redis, second={30}, unique=True),
        cron(refinalize_orders, second=set(range(7, 60, 10)), unique=True),
        cron(offer_waitlist_places, second=set(range(0, 60, 10)), unique=True),
        cron(send_reminders, minute={0}, second={15}, unique=True),
        cron(publish_dashboards, second=set(range(60)), unique=True),
        cron(self_pace_sales, second=set(range(2, 60, 5)), unique=True),
    ]
    on_startup = startup
    on_shutdown = shutdown
