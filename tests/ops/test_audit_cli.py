"""`rush audit` against the test servers: a table, a last JSON line, exit 1 on any problem."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

from click.testing import CliRunner, Result
from redis.asyncio import Redis

from cli.main import main
from rush.engine.keys import program_keys
from rush.purchase.payments import SimulatedProvider
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory, TestProgram
from tests.support.paid_orders import check_out, put_in_cart


async def rush_audit(services: Services, *args: str) -> Result:
    """Run the command in a thread: it starts its own event loop, as from a shell."""
    urls = ["--database-url", services.settings.database_url]
    urls += ["--redis-url", services.settings.redis_url]
    return await asyncio.to_thread(CliRunner().invoke, main, ["audit", *urls, *args])


def last_json(result: Result) -> dict[str, Any]:
    summary: dict[str, Any] = json.loads(result.output.strip().splitlines()[-1])
    return summary


async def paid_program(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> TestProgram:
    program = await catalogue.program([2, 2], 9500)
    family = await catalogue.family([dt.date(2019, 4, 1)])
    await put_in_cart(services, family.id, program.sale_id, family.child_ids, program.group_ids)
    await check_out(services, provider, family.id, program.sale_id)
    return program


async def test_a_clean_catalogue_exits_zero_with_a_clean_json_line(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory
) -> None:
    await paid_program(services, provider, catalogue)

    result = await rush_audit(services)

    assert result.exit_code == 0, result.output
    summary = last_json(result)
    assert summary["clean"] is True
    assert (summary["oversold"], summary["lost_payments"], summary["double_charged"]) == (0, 0, 0)
    assert summary["drift"] == []
    assert summary["fairness_ok"] is True
    assert (summary["groups"], summary["paid_places"], summary["orders"]) == (2, 2, 1)
    lines = result.output.splitlines()
    assert lines[0].split() == ["check", "result", "details"]
    assert [line.split()[1] for line in lines[1:7]] == ["ok"] * 6


async def test_drift_in_redis_exits_one_and_names_the_group(
    services: Services, provider: SimulatedProvider, catalogue: CatalogueFactory, redis: Redis
) -> None:
    program = await paid_program(services, provider, catalogue)
    group = program.group_ids[1]
    await redis.hset(program_keys(program.id).paid, str(group), "0")

    result = await rush_audit(services, "--sale", str(program.sale_id))

    assert result.exit_code == 1, result.output
    assert last_json(result)["drift"] == [group]
    assert last_json(result)["sale_id"] == program.sale_id
    drift_row = next(line for line in result.output.splitlines() if line.startswith("drift"))
    assert "FAIL" in drift_row
    assert f"group {group}" in drift_row
    assert "paid 1 expected, 0 in Redis" in drift_row
