"""The names of Rush's arq jobs and the ids that make a job run once, as plain strings.

A job's name is the contract between whoever enqueues it (`web`, `workers`) and the worker
that registers it, so both read it here; `rush` stays free of arq. arq drops an enqueue
whose job id is already queued, running or kept as a result, which is how a job id makes
a redelivered webhook or a retried job ask for the work once. A workflow of `rush` that
queues a job takes a `JobQueue`, which arq's pool is without `rush` importing arq.
"""

from __future__ import annotations

import uuid
from typing import Any, Final, Protocol

__all__ = [
    "ADMIT_DUE",
    "CHARGE_INSTALMENTS",
    "COPY_ADMISSIONS",
    "DELIVER_WEBHOOK",
    "FINALIZE_ID_PREFIX",
    "FINALIZE_ORDER",
    "OFFER_WAITLIST_PLACES",
    "PUBLISH_DASHBOARDS",
    "RECONCILE_REDIS",
    "REFINALIZE_ORDERS",
    "SELF_PACE_SALES",
    "SEND_ACCOUNT_LINK",
    "SEND_CANCELLATION_NOTICE",
    "SEND_FAMILY_DECISION",
    "SEND_INSTALMENT_DECLINED",
    "SEND_ORDER_CONFIRMATION",
    "SEND_REMINDERS",
    "SEND_SIGN_UP_AGAIN",
    "SEND_WAITLIST_OFFER",
    "SWEEP_EXPIRED_HOLDS",
    "JobQueue",
    "cancellation_notice_id",
    "cron_name",
    "finalize_after_payment_id",
    "finalize_sweep_id",
    "instalment_declined_email_id",
    "order_confirmation_id",
    "waitlist_offer_email_id",
]


class JobQueue(Protocol):
    """Where a workflow queues a job by name; `arq.connections.ArqRedis` is one."""

    async def enqueue_job(self, function: str, *args: Any, _job_id: str | None = None) -> Any:
        """Queue `function(*args)` once per `_job_id` (None: every time)."""


# -- enqueued on demand -----------------------------------------------------------------------

FINALIZE_ORDER: Final = "finalize_order"
DELIVER_WEBHOOK: Final = "deliver_webhook"
SEND_ORDER_CONFIRMATION: Final = "send_order_confirmation"
SEND_WAITLIST_OFFER: Final = "send_waitlist_offer"
SEND_ACCOUNT_LINK: Final = "send_account_link"
SEND_SIGN_UP_AGAIN: Final = "send_sign_up_again"
SEND_FAMILY_DECISION: Final = "send_family_decision"
SEND_CANCELLATION_NOTICE: Final = "send_cancellation_notice"
SEND_INSTALMENT_DECLINED: Final = "send_instalment_declined"

# -- run on a schedule (and enqueueable by name too) --------------------------------------------

SWEEP_EXPIRED_HOLDS: Final = "sweep_expired_holds"
ADMIT_DUE: Final = "admit_due"
COPY_ADMISSIONS: Final = "copy_admissions"
RECONCILE_REDIS: Final = "reconcile_redis"
REFINALIZE_ORDERS: Final = "refinalize_orders"
OFFER_WAITLIST_PLACES: Final = "offer_waitlist_places"
SEND_REMINDERS: Final = "send_reminders"
PUBLISH_DASHBOARDS: Final = "publish_dashboards"
SELF_PACE_SALES: Final = "self_pace_sales"
CHARGE_INSTALMENTS: Final = "charge_instalments"


def cron_name(job: str) -> str:
    """The name of a job's schedule: arq's own default, kept so its unique runs keep their keys."""
    return f"cron:{job}"


# -- job ids ----------------------------------------------------------------------------------

FINALIZE_ID_PREFIX: Final = "finalize:"
"""Every finalize job id starts so, whoever asked for it: tests watch them by this prefix."""


def finalize_after_payment_id(order_id: uuid.UUID | str, event_id: str) -> str:
    """One finalize per provider event: a redelivered webhook does not queue it again."""
    return f"{FINALIZE_ID_PREFIX}{order_id}:{event_id}"


def finalize_sweep_id(order_id: uuid.UUID | str, minute: int) -> str:
    """One sweep finalize per order per minute: a finished job keeps its id for an hour."""
    return f"{FINALIZE_ID_PREFIX}{order_id}:sweep:{minute}"


def order_confirmation_id(order_id: uuid.UUID | str) -> str:
    """One confirmation email job per order, however often its finalize is retried."""
    return f"email:confirmation:{order_id}"


def waitlist_offer_email_id(entry_id: int) -> str:
    """One offer email job per waitlist entry, whether staff or the worker made the offer."""
    return f"email:waitlist:{entry_id}"


def instalment_declined_email_id(charge_id: int) -> str:
    """One email job per declined charge of a second instalment, however often it is settled."""
    return f"email:instalment-declined:{charge_id}"


def cancellation_notice_id(registration_ids: list[int]) -> str:
    """One email job per cancellation: a registration is cancelled once, so the first of the
    registrations it cancelled names it."""
    return f"email:cancellation:{min(registration_ids)}"
