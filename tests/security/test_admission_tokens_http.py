"""Jumping the queue through the API: every hold needs the family's own, live admission.

Forged, expired, borrowed (another family's), other-sale and replayed-after-leaving tokens are
all refused with a problem document, and nothing is held for them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from rush.config import Settings
from rush.families.family_file_storage import add_child
from rush.families.family_file_types import ChildDetails
from rush.room.admission_tokens import AdmissionTokens
from rush.room.sales import open_sale, prepare_room, set_pace
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory, TestFamily, TestProgram
from tests.support.ops_sessions import signed_in_family

Client = AsyncTestClient[Any]
REFUSED = {"invalid_admission", "not_admitted"}


@pytest.fixture
async def camp(catalogue: CatalogueFactory, services: Services) -> TestProgram:
    sale_id = await catalogue.sale(status="scheduled")
    program = await catalogue.program([10], 9500, sale_id=sale_id, ages=(5, 12))
    await prepare_room(services.pool, services.room, sale_id)
    return program


async def _family_with_child(
    catalogue: CatalogueFactory, services: Services, first_name: str
) -> tuple[int, int]:
    family: TestFamily = await catalogue.family()
    details = ChildDetails(first_name=first_name, last_name="Roy", birth_date=dt.date(2018, 6, 1))
    child_id = await add_child(services.pool, services.cipher, family.id, details)
    return family.id, child_id


@pytest.fixture
async def families(
    settings: Settings, services: Services, catalogue: CatalogueFactory, camp: TestProgram
) -> AsyncIterator[dict[str, Any]]:
    """Family A admitted with its token; family B admitted too; both signed in."""
    pool = services.pool
    a_id, a_child = await _family_with_child(catalogue, services, "Léo")
    b_id, b_child = await _family_with_child(catalogue, services, "Zoé")  # one child, one family
    clients = {
        "a": await signed_in_family(settings, pool, a_id),
        "b": await signed_in_family(settings, pool, b_id),
    }
    for client in clients.values():
        joined = await client.post(
            f"/api/v1/sales/{camp.sale_id}/queue",
            headers={"x-csrftoken": client.cookies["csrftoken"]},
        )
        assert joined.status_code == 200
    await set_pace(pool, services.room, camp.sale_id, rate_per_min=6000, max_shoppers=100)
    await open_sale(pool, services.room, camp.sale_id)
    await asyncio.sleep(0.05)  # the pace earns its first admissions
    await services.room.admit_due(camp.sale_id)  # what the worker's cron does every second
    tokens = {}
    for name, client in clients.items():
        status = (await client.get(f"/api/v1/sales/{camp.sale_id}/queue")).json()
        assert status["state"] == "admitted"
        tokens[name] = status["admission_token"]
    yield {
        "clients": clients,
        "tokens": tokens,
        "ids": {"a": a_id, "b": b_id},
        "children": {"a": a_child, "b": b_child},
    }
    for client in clients.values():
        await client.__aexit__(None, None, None)


async def _hold(client: Client, camp: TestProgram, child: int, token: str | None) -> Any:
    headers = {"x-csrftoken": client.cookies["csrftoken"]}
    if token is not None:
        headers["rush-admission"] = token
    return await client.post(
        f"/api/v1/sales/{camp.sale_id}/cart/items",
        headers=headers,
        json={"person_ids": [child], "group_ids": [camp.group_ids[0]]},
    )


async def _held(services: Services, camp: TestProgram) -> int:
    reading = await services.engine.places(camp.id, [camp.group_ids[0]])
    return reading.groups[camp.group_ids[0]].held


async def test_the_familys_own_token_holds_a_place(
    families: dict[str, Any], camp: TestProgram, services: Services
) -> None:
    answer = await _hold(
        families["clients"]["a"], camp, families["children"]["a"], families["tokens"]["a"]
    )
    assert answer.status_code == 200, answer.text
    assert await _held(services, camp) == 1


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "not-a-token",
        "WzEsMSwxNzAwMDAwMDAwMDAwXQ.forged.signature",
    ],
)
async def test_missing_or_forged_tokens_hold_nothing(
    families: dict[str, Any], camp: TestProgram, services: Services, token: str | None
) -> None:
    answer = await _hold(families["clients"]["a"], camp, families["children"]["a"], token)
    assert answer.status_code == 403
    assert answer.json()["code"] in REFUSED
    assert await _held(services, camp) == 0


async def test_a_tampered_genuine_token_holds_nothing(
    families: dict[str, Any], camp: TestProgram, services: Services
) -> None:
    genuine: str = families["tokens"]["a"]
    tampered = genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB")
    answer = await _hold(families["clients"]["a"], camp, families["children"]["a"], tampered)
    assert answer.status_code == 403
    assert await _held(services, camp) == 0


async def test_another_familys_token_holds_nothing(
    families: dict[str, Any], camp: TestProgram, services: Services
) -> None:
    borrowed = families["tokens"]["b"]
    answer = await _hold(families["clients"]["a"], camp, families["children"]["a"], borrowed)
    assert answer.status_code == 403
    assert answer.json()["code"] in REFUSED
    assert await _held(services, camp) == 0


async def test_an_expired_token_or_one_for_another_sale_holds_nothing(
    families: dict[str, Any], camp: TestProgram, services: Services, settings: Settings
) -> None:
    signer = AdmissionTokens(settings.signing_key, 1)
    family_a = families["ids"]["a"]
    expired = signer.issue(family_a, camp.sale_id, 0)
    other_sale = AdmissionTokens(settings.signing_key, 10**12).issue(family_a, camp.sale_id + 1, 0)
    for token in (expired, other_sale):
        answer = await _hold(families["clients"]["a"], camp, families["children"]["a"], token)
        assert answer.status_code == 403, answer.text
        assert answer.json()["code"] in REFUSED
    assert await _held(services, camp) == 0


async def test_a_token_replayed_after_the_family_left_holds_nothing(
    families: dict[str, Any], camp: TestProgram, services: Services
) -> None:
    family_a, token = families["ids"]["a"], families["tokens"]["a"]
    await services.room.leave(camp.sale_id, family_a)
    answer = await _hold(families["clients"]["a"], camp, families["children"]["a"], token)
    assert answer.status_code == 403
    assert answer.json()["code"] in REFUSED
    assert await _held(services, camp) == 0
