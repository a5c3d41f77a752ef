"""CSV exports for staff: registrations, the health list for monitors, payments per day."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid

import asyncpg
import httpx

from rush.config import Settings
from rush.crypto import FieldCipher
from rush.i18n import TIME_ZONE
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.ops_sessions import (
    HEALTH_INSURANCE_NUMBER,
    SIN_SHAPES,
    Client,
    fill_family_file,
    registered_child,
    signed_in_family,
)

BOM = b"\xef\xbb\xbf"


def table(answer: httpx.Response, delimiter: str = ";") -> list[list[str]]:
    """The CSV rows as Excel reads them: a UTF-8 BOM, then the locale's separator."""
    assert answer.status_code == 200, answer.text
    assert answer.content.startswith(BOM)
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=delimiter))


async def add_daycare(pool: asyncpg.Pool, order_id: uuid.UUID, daycare_id: int) -> None:
    """Register the order's child in a daycare group too, as a second line of the order."""
    async with pool.acquire() as conn, conn.transaction():
        line = await conn.fetchrow(
            "SELECT person_id, program_id FROM order_line WHERE order_id = $1", order_id
        )
        assert line is not None
        line_id = await conn.fetchval(
            "INSERT INTO order_line (order_id, person_id, group_id, program_id, hold_id,"
            " price_cents) VALUES ($1, $2, $3, $4, 'daycare', 300) RETURNING id",
            order_id,
            line["person_id"],
            daycare_id,
            line["program_id"],
        )
        await conn.execute(
            "INSERT INTO registration (order_line_id, person_id, group_id) VALUES ($1, $2, $3)",
            line_id,
            line["person_id"],
            daycare_id,
        )


async def test_the_registrations_csv_lists_each_child_with_the_family_contact_and_options(
    supervisor: Client, settings: Settings, pool: asyncpg.Pool, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([10], daycare_capacities=[5])
    group_id = camp.group_ids[0]
    eloise = await registered_child(catalogue, camp, group_id, "hold-1")
    await fill_family_file(pool, FieldCipher(settings.encryption_key_list), eloise)
    await pool.execute(
        'UPDATE order_line SET options = \'{"tshirt_size": "M"}\' WHERE order_id = $1',
        eloise.order_id,
    )
    await add_daycare(pool, eloise.order_id, camp.daycare_ids[0])
    other = await registered_child(catalogue, camp, group_id, "hold-2")
    paid_at = await pool.fetchval("SELECT paid_at FROM orders WHERE id = $1", eloise.order_id)

    answer = await supervisor.get(f"/ops/exports/groups/{group_id}/registrations.csv")

    rows = table(answer)
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="registrations-group-{group_id}.csv"'
    )
    assert answer.headers["content-type"].startswith("text/csv")
    assert rows[0][:4] == ["Prénom", "Nom", "Date de naissance", "Âge"]
    by_name = {r[1]: r for r in rows[1:]}
    assert set(by_name) == {"Côté", "Test"}
    assert by_name["Côté"] == [
        "Éloïse",
        "Côté",
        "2019-04-02",
        "8",  # on the season's age reference date, 2027-09-30
        "Marie Côté",
        "418 555-1234",
        "marie.cote@example.ca",
        "Oui",
        "M",
        "",
        str(eloise.order_id),
        paid_at.astimezone(TIME_ZONE).strftime("%Y-%m-%d %H:%M"),
    ]
    assert by_name["Test"][7] == "Non"
    assert by_name["Test"][10] == str(other.order_id)


async def test_the_health_list_gives_monitors_the_allergies_and_contacts_but_no_secret(
    supervisor: Client, settings: Settings, pool: asyncpg.Pool, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([10])
    group_id = camp.group_ids[0]
    eloise = await registered_child(catalogue, camp, group_id, "hold-1")
    await fill_family_file(pool, FieldCipher(settings.encryption_key_list), eloise)
    await registered_child(catalogue, camp, group_id, "hold-2")

    answer = await supervisor.get(f"/ops/exports/groups/{group_id}/health.csv")

    rows = table(answer)
    header = rows[0]
    eloise_row = dict(zip(header, next(r for r in rows[1:] if r[1] == "Côté"), strict=True))
    assert eloise_row["Allergies"] == "Arachides et noix (réaction sévère)"
    assert eloise_row["EpiPen"] == "Oui"
    assert eloise_row["Médicaments"] == "Ventolin au besoin"
    assert eloise_row["Lunettes"] == "Oui"
    assert eloise_row["Notes de santé"] == "Asthme léger"
    assert eloise_row["Contacts d'urgence"] == "Jean Côté (Grand-père) 418 555-9876"
    assert eloise_row["Autorisés à venir chercher l'enfant"] == "Lucie Roy (Tante) 581 555-4321"
    assert eloise_row["Fiche santé remplie"] == "Oui"
    without_sheet = dict(zip(header, next(r for r in rows[1:] if r[1] == "Test"), strict=True))
    assert without_sheet["Fiche santé remplie"] == "Non"
    body = answer.content.decode("utf-8-sig")
    assert not any(shape in body for shape in SIN_SHAPES)
    assert HEALTH_INSURANCE_NUMBER not in body
    assert HEALTH_INSURANCE_NUMBER.replace(" ", "") not in body
    assert answer.headers["cache-control"] == "no-store"
    logged = await pool.fetch(
        "SELECT a.email::text AS email, s.action, s.sale_id, s.details"
        " FROM staff_action s JOIN account a ON a.id = s.account_id"
    )
    assert [(r["email"], r["action"], r["sale_id"], json.loads(r["details"])) for r in logged] == [
        ("supervisor@ville.qc.ca", "export_health", camp.sale_id, {"group_id": group_id})
    ]


async def _payment(
    pool: asyncpg.Pool,
    order_id: uuid.UUID,
    amount_cents: int,
    succeeded_at: str | None,
    refunded_at: str | None = None,
) -> uuid.UUID:
    """A payment of the order; returns its id."""
    status = "refunded" if refunded_at else "succeeded" if succeeded_at else "pending"
    payment_id = uuid.uuid4()
    await pool.execute(
        "INSERT INTO payment (id, order_id, instalment, amount_cents, due_on, status,"
        " succeeded_at, refunded_at) VALUES ($1, $2, 1, $3, '2027-05-01', $4,"
        " $5::text::timestamptz, $6::text::timestamptz)",
        payment_id,
        order_id,
        amount_cents,
        status,
        succeeded_at,
        refunded_at,
    )
    return payment_id


async def _staff_refund(
    pool: asyncpg.Pool, payment_id: uuid.UUID, amount_cents: int, refunded_at: str | None
) -> None:
    """A refund decided by staff when cancelling places (partial, or still pending)."""
    await pool.execute(
        "INSERT INTO refund (order_id, payment_id, amount_cents, status, account_id, refunded_at)"
        " SELECT order_id, id, $2, $3, (SELECT min(id) FROM account), $4::text::timestamptz"
        " FROM payment WHERE id = $1",
        payment_id,
        amount_cents,
        "succeeded" if refunded_at else "pending",
        refunded_at,
    )


async def test_payments_per_day_follow_montreal_days_and_net_out_refunds(
    supervisor: Client, pool: asyncpg.Pool, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([10])
    elsewhere = await catalogue.program([10])
    orders = [
        await catalogue.record_paid_hold(camp, f"h{n}", {camp.group_ids[0]: 1}) for n in range(6)
    ]
    other_sale_order = await catalogue.record_paid_hold(elsewhere, "x", {elsewhere.group_ids[0]: 1})
    await _payment(pool, orders[0], 9500, "2027-05-02T14:00:00Z")
    # 23:30 in Montreal (EDT, UTC-4): still May 2 there, though May 3 in UTC.
    await _payment(pool, orders[1], 4000, "2027-05-03T03:30:00Z")
    await _payment(pool, orders[2], 3000, "2027-05-03T15:00:00Z", "2027-05-04T13:00:00Z")
    await _payment(pool, orders[3], 7000, None)
    # Staff cancel one week of the May 2 payment: 12.50 back on May 4; another refund pending.
    cancelled = await _payment(pool, orders[4], 2500, "2027-05-02T16:00:00Z")
    await _staff_refund(pool, cancelled, 1250, "2027-05-04T20:00:00Z")
    pending = await _payment(pool, orders[5], 1000, "2027-05-03T16:00:00Z")
    await _staff_refund(pool, pending, 1000, None)
    await _payment(pool, other_sale_order, 5000, "2027-05-02T14:00:00Z")

    french = table(await supervisor.get(f"/ops/exports/sales/{camp.sale_id}/payments.csv"))
    english = table(
        await supervisor.get(f"/ops/exports/sales/{camp.sale_id}/payments.csv?lang=en"), ","
    )

    assert french == [
        ["Date", "Paiements", "Montant reçu", "Remboursements", "Net"],
        ["2027-05-02", "3", "160,00", "0,00", "160,00"],
        ["2027-05-03", "2", "40,00", "0,00", "40,00"],
        ["2027-05-04", "0", "0,00", "42,50", "-42,50"],
    ]
    assert english[0] == ["Date", "Payments", "Amount received", "Refunds", "Net"]
    assert english[1] == ["2027-05-02", "3", "160.00", "0.00", "160.00"]


async def test_the_exports_page_lists_each_sale_program_and_group_with_its_downloads(
    supervisor: Client, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([10, 8])

    page = await supervisor.get("/ops/exports")

    assert page.status_code == 200
    assert f"/ops/exports/sales/{camp.sale_id}/payments.csv" in page.text
    for group_id in camp.group_ids:
        assert f"/ops/exports/groups/{group_id}/registrations.csv" in page.text
        assert f"/ops/exports/groups/{group_id}/health.csv" in page.text


async def test_an_unknown_group_or_sale_is_not_found(supervisor: Client) -> None:
    assert (await supervisor.get("/ops/exports/groups/999/health.csv")).status_code == 404
    assert (await supervisor.get("/ops/exports/sales/999/payments.csv")).status_code == 404


async def test_families_are_refused_every_export_and_nothing_is_logged(
    settings: Settings, pool: asyncpg.Pool, catalogue: CatalogueFactory
) -> None:
    camp = await catalogue.program([10])
    family = await catalogue.family([dt.date(2019, 4, 2)])
    client = await signed_in_family(settings, pool, family.id)
    try:
        for url in (
            "/ops/exports",
            f"/ops/exports/groups/{camp.group_ids[0]}/registrations.csv",
            f"/ops/exports/groups/{camp.group_ids[0]}/health.csv",
            f"/ops/exports/sales/{camp.sale_id}/payments.csv",
        ):
            assert (await client.get(url)).status_code == 403, url
    finally:
        await client.__aexit__(None, None, None)
    assert await pool.fetchval("SELECT count(*) FROM staff_action") == 0
