"""The self-pacing cron moves the rate of open sales with the switch on, and logs why."""

from __future__ import annotations

import json
import uuid

import msgspec

from rush.jobs import SELF_PACE_SALES, cron_name
from rush.room.sales import prepare_room
from rush.room.self_pacer import COOLDOWN_S, SelfPacingConfig, configure_self_pacing
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory
from workers.jobs import self_pace_sales
from workers.settings import WorkerSettings

PACED = SelfPacingConfig(
    enabled=True,
    target_hold_p99_ms=250,
    target_finalize_lag_ms=5_000,
    floor_per_min=10,
    ceiling_per_min=600,
)


async def _sale(services: Services, catalogue: CatalogueFactory, status: str, paced: bool) -> int:
    sale_id = await catalogue.sale(status=status)
    await services.pool.execute(
        "UPDATE sale SET admission_rate_per_min = 200 WHERE id = $1", sale_id
    )
    await prepare_room(services.pool, services.room, sale_id)
    config = msgspec.structs.replace(PACED, enabled=paced)
    await configure_self_pacing(services.pool, sale_id, config)
    return sale_id


async def _payment_waiting_for_finalize(
    services: Services, catalogue: CatalogueFactory, sale_id: int, seconds_ago: int
) -> None:
    family = await catalogue.family()
    order_id = uuid.uuid4()
    await services.pool.execute(
        "INSERT INTO orders (id, family_id, sale_id, status)"
        " VALUES ($1, $2, $3, 'awaiting_payment')",
        order_id,
        family.id,
        sale_id,
    )
    await services.pool.execute(
        "INSERT INTO payment_event (provider, provider_event_id, order_id, kind, received_at)"
        " VALUES ('simulated', $1, $2, 'payment.succeeded', now() - make_interval(secs => $3))",
        f"evt-{order_id}",
        order_id,
        seconds_ago,
    )


async def _rate(services: Services, sale_id: int) -> int:
    rate: int = await services.pool.fetchval(
        "SELECT admission_rate_per_min FROM sale WHERE id = $1", sale_id
    )
    return rate


async def test_the_job_lowers_the_rate_when_finalize_lag_is_over_target_and_logs_it(
    services: Services, catalogue: CatalogueFactory
) -> None:
    paced = await _sale(services, catalogue, "open", paced=True)
    unpaced = await _sale(services, catalogue, "open", paced=False)
    paused = await _sale(services, catalogue, "paused", paced=True)
    for sale_id in (paced, unpaced, paused):
        await _payment_waiting_for_finalize(services, catalogue, sale_id, seconds_ago=20)

    changed = await self_pace_sales({"services": services})

    assert changed == 1
    assert [await _rate(services, s) for s in (paced, unpaced, paused)] == [140, 200, 200]
    assert (await services.room.stats(paced)).rate_per_min == 140
    logged = await services.pool.fetch(
        "SELECT a.email::text AS staff, s.action, s.sale_id, s.details::text AS details"
        " FROM staff_action s JOIN account a ON a.id = s.account_id"
    )
    assert [(r["staff"], r["action"], r["sale_id"]) for r in logged] == [
        ("self-pacing@rush.invalid", "self_pace", paced)
    ]
    details = json.loads(logged[0]["details"])
    assert (details["rate_before"], details["rate_after"]) == (200, 140)
    assert details["finalize_lag_ms"] >= 20_000
    assert details["hold_p99_ms"] is None


async def test_after_a_drop_the_job_waits_out_the_cooldown_before_dropping_again(
    services: Services, catalogue: CatalogueFactory
) -> None:
    sale_id = await _sale(services, catalogue, "open", paced=True)
    await _payment_waiting_for_finalize(services, catalogue, sale_id, seconds_ago=20)

    await self_pace_sales({"services": services})
    await self_pace_sales({"services": services})
    during_cooldown = await _rate(services, sale_id)
    await services.pool.execute(
        "UPDATE staff_action SET at = at - make_interval(secs => $1)", COOLDOWN_S + 1
    )
    await self_pace_sales({"services": services})

    assert during_cooldown == 140
    assert await _rate(services, sale_id) == 98
    assert await services.pool.fetchval("SELECT count(*) FROM staff_action") == 2


async def test_without_any_signal_the_job_changes_nothing(
    services: Services, catalogue: CatalogueFactory
) -> None:
    sale_id = await _sale(services, catalogue, "open", paced=True)

    assert await self_pace_sales({"services": services}) == 0

    assert await _rate(services, sale_id) == 200
    assert await services.pool.fetchval("SELECT count(*) FROM staff_action") == 0


async def test_payments_finalized_promptly_let_the_rate_climb(
    services: Services, catalogue: CatalogueFactory
) -> None:
    sale_id = await _sale(services, catalogue, "open", paced=True)
    await _payment_waiting_for_finalize(services, catalogue, sale_id, seconds_ago=1)

    await self_pace_sales({"services": services})

    assert await _rate(services, sale_id) == 220


def test_the_worker_runs_self_pacing_every_five_seconds() -> None:
    job = next(j for j in WorkerSettings.cron_jobs if j.name == cron_name(SELF_PACE_SALES))
    assert job.second == set(range(2, 60, 5))
    assert job.unique
