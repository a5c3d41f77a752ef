"""Signed-in clients and a registered child with a full family file, for the ops pages' tests."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from rush.config import Settings
from rush.crypto import FieldCipher
from rush.families.accounts import create_staff_account
from rush.families.family_file_storage import (
    add_adult,
    set_contacts,
    set_health_sheet,
    set_tax_payer,
    update_child,
)
from rush.families.family_file_types import AdultDetails, ChildDetails, Contact, HealthSheet
from tests.support.catalogue_factory import CatalogueFactory, TestProgram
from web.app import create_app

Client = AsyncTestClient[Any]
SIN = "046 454 286"
SIN_SHAPES = ("046454286", "046 454 286", "046-454-286")
HEALTH_INSURANCE_NUMBER = "COTE 1904 0212"
FAMILY_PASSWORD = "correct horse battery staple"


async def signed_in(settings: Settings, pool: asyncpg.Pool, role: str) -> Client:
    """A client logged in as a new staff account of that role (`<role>@ville.qc.ca`)."""
    email = f"{role}@ville.qc.ca"
    await create_staff_account(pool, email=email, password="staff password 1", role=role)
    client: Client = AsyncTestClient(app=create_app(settings))
    await client.__aenter__()
    await client.get("/api/v1/groups")
    response = await client.post(
        "/api/v1/auth/login",
        headers={"x-csrftoken": client.cookies["csrftoken"]},
        json={"email": email, "password": "staff password 1"},
    )
    assert response.status_code == 200
    return client


async def signed_in_family(settings: Settings, pool: asyncpg.Pool, family_id: int) -> Client:
    """A client logged in as the family's account (made by `CatalogueFactory.family`)."""
    email = await pool.fetchval("SELECT email::text FROM account WHERE family_id = $1", family_id)
    client: Client = AsyncTestClient(app=create_app(settings))
    await client.__aenter__()
    await client.get("/api/v1/groups")
    answer = await client.post(
        "/api/v1/auth/login",
        headers={"x-csrftoken": client.cookies["csrftoken"]},
        json={"email": email, "password": FAMILY_PASSWORD},
    )
    assert answer.status_code == 200
    return client


@dataclass(frozen=True)
class RegisteredChild:
    family_id: int
    person_id: int
    order_id: uuid.UUID


async def registered_child(
    catalogue: CatalogueFactory, program: TestProgram, group_id: int, hold_id: str
) -> RegisteredChild:
    """A child paid into the group by `record_paid_hold`, as "Enfant Test" of a new family."""
    order_id = await catalogue.record_paid_hold(program, hold_id, {group_id: 1})
    row = await catalogue.pool.fetchrow(
        "SELECT o.family_id, ol.person_id FROM orders o JOIN order_line ol ON ol.order_id = o.id"
        " WHERE o.id = $1",
        order_id,
    )
    assert row is not None
    return RegisteredChild(row["family_id"], row["person_id"], order_id)


async def fill_family_file(pool: asyncpg.Pool, cipher: FieldCipher, child: RegisteredChild) -> None:
    """Name the child Éloïse Côté and give her family everything the file asks for."""
    await update_child(
        pool,
        cipher,
        child.family_id,
        child.person_id,
        ChildDetails(
            first_name="Éloïse",
            last_name="Côté",
            birth_date=dt.date(2019, 4, 2),
            health_insurance_number=HEALTH_INSURANCE_NUMBER,
        ),
    )
    adult_id = await add_adult(
        pool,
        child.family_id,
        AdultDetails(
            first_name="Marie",
            last_name="Côté",
            email="marie.cote@example.ca",
            phone_mobile="418 555-1234",
        ),
    )
    await set_health_sheet(
        pool,
        child.family_id,
        child.person_id,
        HealthSheet(
            wears_glasses=True,
            wears_contacts=False,
            epipen=True,
            allergies="Arachides et noix (réaction sévère)",
            medication="Ventolin au besoin",
            health_notes="Asthme léger",
        ),
    )
    await set_contacts(
        pool,
        child.family_id,
        child.person_id,
        [
            Contact(
                kind="emergency", name="Jean Côté", relationship="Grand-père", phone="418 555-9876"
            ),
            Contact(kind="pickup", name="Lucie Roy", relationship="Tante", phone="581 555-4321"),
        ],
    )
    await set_tax_payer(pool, cipher, child.family_id, adult_id, SIN)
