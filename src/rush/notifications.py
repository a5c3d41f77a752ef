"""Emails a family receives about its orders, built from Postgres and sent at most once."""

from __future__ import annotations

import uuid

import asyncpg

from rush.config import Settings
from rush.db import query
from rush.emails import ConfirmationLine, Instalment, SmtpSettings, confirmation_email, send_once
from rush.errors import OrderNotFound

__all__ = ["send_order_confirmation", "smtp_settings"]


def smtp_settings(settings: Settings) -> SmtpSettings:
    return SmtpSettings(host=settings.smtp_host, port=settings.smtp_port, sender=settings.mail_from)


async def send_order_confirmation(
    pool: asyncpg.Pool, settings: Settings, order_id: uuid.UUID
) -> bool:
    """The registration confirmation of a paid order; False when it was already sent."""
    order = await pool.fetchrow(query("order_summary"), order_id)
    if order is None or order["status"] != "paid":
        raise OrderNotFound(str(order_id))
    contact = await pool.fetchrow(query("family_contact"), order["family_id"])
    if contact is None:
        return False
    english = contact["locale"] == "en"
    lines = [
        ConfirmationLine(
            person_name=r["person_name"],
            program_name=r["program_en"] if english else r["program_fr"],
            group_name=r["group_en"] if english else r["group_fr"],
            schedule=r["schedule_en"] if english else r["schedule_fr"],
            price_cents=r["price_cents"],
        )
        for r in await pool.fetch(query("order_confirmation_lines"), order_id)
    ]
    payments = await pool.fetch(query("order_payments"), order_id)
    message = confirmation_email(
        contact["email"],
        contact["locale"],
        order_ref=str(order_id)[:8].upper(),
        family_name=contact["family_name"] or "",
        lines=lines,
        total_cents=order["total_cents"],
        instalments=[Instalment(p["instalment"], p["amount_cents"], p["due_on"]) for p in payments],
        sender=settings.mail_from,
    )
    return await send_once(pool, smtp_settings(settings), f"confirmation:{order_id}", message)
