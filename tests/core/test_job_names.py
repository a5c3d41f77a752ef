"""The worker runs every job `rush.jobs` names, under that name, and job ids keep their shape."""

from __future__ import annotations

import uuid

from rush import jobs
from workers.settings import WorkerSettings

NAMES = {getattr(jobs, name) for name in jobs.__all__ if name.isupper()} - {jobs.FINALIZE_ID_PREFIX}
ORDER = uuid.UUID("0b6f1c9e-6a43-4c1e-9d0f-6f3b7a2b9c11")


def test_the_worker_registers_exactly_the_jobs_rush_names() -> None:
    registered = {function.name for function in WorkerSettings.functions}
    assert registered == NAMES


def test_every_schedule_runs_a_named_job_under_arq_s_cron_name() -> None:
    scheduled = {job.name for job in WorkerSettings.cron_jobs}
    assert scheduled <= {jobs.cron_name(name) for name in NAMES}
    assert jobs.cron_name(jobs.SELF_PACE_SALES) == "cron:self_pace_sales"
    assert all(job.unique for job in WorkerSettings.cron_jobs)


def test_job_ids_keep_the_shape_queued_jobs_already_carry() -> None:
    """A deploy during a rush must still recognise the ids the previous release queued."""
    assert jobs.finalize_after_payment_id(ORDER, "evt_9") == f"finalize:{ORDER}:evt_9"
    assert jobs.finalize_sweep_id(str(ORDER), 29_000_000) == f"finalize:{ORDER}:sweep:29000000"
    assert jobs.order_confirmation_id(str(ORDER)) == f"email:confirmation:{ORDER}"
    assert jobs.waitlist_offer_email_id(42) == "email:waitlist:42"


def test_every_finalize_id_starts_with_the_prefix_tests_watch() -> None:
    ids = [jobs.finalize_after_payment_id(ORDER, "e"), jobs.finalize_sweep_id(ORDER, 1)]
    assert all(i.startswith(jobs.FINALIZE_ID_PREFIX) for i in ids)
