"""Emails a family receives about its orders, built from Postgres and sent at most once."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

import asyncpg

from rush.config import Settings
from rush.db import query
from rush.emails import (
    CancelledLine,
    ConfirmationLine,
    Instalment,
    SmtpSettings,
    account_link_email,
    cancellation_email,
    confirmation_email,
    family_decision_email,
    instalment_declined_email,
    instalment_reminder_email,
    send_once,
    sign_up_again_email,
    waitlist_offer_email,
)
from rush.errors import OrderNotFound
from rush.families.account_tokens import LINK_PATHS, TokenPurpose, issue_token
from rush.families.accounts import account_by_id
from rush.i18n import TIME_ZONE
from rush.purchase.payments.provider import PaymentProvider

__all__ = [
    "send_account_link",
    "send_cancellation_notice",
    "send_family_decision",
    "send_instalment_declined",
    "send_instalment_reminders",
    "send_order_confirmation",
    "send_sign_up_again",
    "send_waitlist_offer",
    "smtp_settings",
]

REMINDER_DAYS_AHEAD = 7


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
        greeting_name=contact["first_name"] or "",
        lines=lines,
        total_cents=order["total_cents"],
        instalments=[Instalment(p["instalment"], p["amount_cents"], p["due_on"]) for p in payments],
        sender=settings.mail_from,
        order_url=f"{settings.public_base_url}/orders/{order_id}",
        records_url=f"{settings.public_base_url}/records",
    )
    return await send_once(pool, smtp_settings(settings), f"confirmation:{order_id}", message)


async def send_cancellation_notice(
    pool: asyncpg.Pool, settings: Settings, registration_ids: list[int]
) -> bool:
    """Tell the family which of its places staff cancelled together and what goes back to
    its card; once per cancellation (a registration is cancelled once, so its first one
    names it). False when already sent or nothing was cancelled."""
    rows = await pool.fetch(query("cancellation_notice_lines"), registration_ids)
    if not rows:
        return False
    contact = await pool.fetchrow(query("family_contact"), rows[0]["family_id"])
    if contact is None:
        return False
    english = contact["locale"] == "en"
    lines = [
        CancelledLine(
            person_name=r["person_name"],
            program_name=r["program_en"] if english else r["program_fr"],
            group_name=r["group_en"] if english else r["group_fr"],
            starts_on=r["starts_on"],
            ends_on=r["ends_on"],
        )
        for r in rows
    ]
    message = cancellation_email(
        contact["email"],
        contact["locale"],
        greeting_name=contact["first_name"] or "",
        lines=lines,
        refund_cents=await pool.fetchval(query("cancellation_notice_refund"), registration_ids),
        sender=settings.mail_from,
        records_url=f"{settings.public_base_url}/records",
    )
    purpose = f"cancellation:{min(registration_ids)}"
    return await send_once(pool, smtp_settings(settings), purpose, message)


async def send_waitlist_offer(
    pool: asyncpg.Pool, settings: Settings, entry_id: int, accept_url: str
) -> bool:
    """Tell the family a place is held for it until the offer expires."""
    entry = await pool.fetchrow(query("waitlist_offer_details"), entry_id)
    if entry is None or entry["offer_expires_at"] is None:
        return False
    contact = await pool.fetchrow(query("family_contact"), entry["family_id"])
    if contact is None:
        return False
    english = contact["locale"] == "en"
    message = waitlist_offer_email(
        contact["email"],
        contact["locale"],
        person_name=entry["person_name"],
        program_name=entry["program_en"] if english else entry["program_fr"],
        group_name=entry["group_en"] if english else entry["group_fr"],
        expires_at=entry["offer_expires_at"],
        accept_url=accept_url,
        sender=settings.mail_from,
    )
    return await send_once(pool, smtp_settings(settings), f"waitlist_offer:{entry_id}", message)


async def send_instalment_reminders(
    pool: asyncpg.Pool, settings: Settings, provider: PaymentProvider, today: dt.date
) -> int:
    """Remind families of second instalments due within a week, with a page to pay them."""
    sent = 0
    horizon = today + dt.timedelta(days=REMINDER_DAYS_AHEAD)
    for due in await pool.fetch(query("instalments_due_for_reminder"), horizon):
        contact = await pool.fetchrow(query("family_contact"), due["family_id"])
        if contact is None:
            continue
        if due["card_saved"]:
            sent += await _remind_card_charge(pool, settings, contact, due)
            continue
        opened = await provider.create_payment(
            due["id"],
            due["amount_cents"],
            idempotency_key=f"{due['order_id']}:2",
            description=f"Rush order {due['order_id']} (2/2)",
            return_url=f"{settings.public_base_url}/api/v1/orders/{due['order_id']}",
        )
        await pool.execute(query("provider_payment_opened"), due["id"], opened.ref)
        message = instalment_reminder_email(
            contact["email"],
            contact["locale"],
            order_ref=str(due["order_id"])[:8].upper(),
            amount_cents=due["amount_cents"],
            due_on=due["due_on"],
            pay_url=opened.redirect_url,
            sender=settings.mail_from,
        )
        if await send_once(pool, smtp_settings(settings), f"reminder:{due['id']}", message):
            sent += 1
        await pool.execute(query("payment_set_reminded"), due["id"], opened.ref)
    return sent


async def _remind_card_charge(
    pool: asyncpg.Pool, settings: Settings, contact: asyncpg.Record, due: asyncpg.Record
) -> int:
    """Tell the family its saved card is charged on the due date; no page to pay is opened,
    so the instalment cannot be paid twice."""
    message = instalment_reminder_email(
        contact["email"],
        contact["locale"],
        order_ref=str(due["order_id"])[:8].upper(),
        amount_cents=due["amount_cents"],
        due_on=due["due_on"],
        pay_url=f"{settings.public_base_url}/orders/{due['order_id']}",
        sender=settings.mail_from,
        card_saved=True,
    )
    sent = await send_once(pool, smtp_settings(settings), f"reminder:{due['id']}", message)
    await pool.execute(query("payment_set_reminded"), due["id"], None)
    return int(sent)


async def send_instalment_declined(pool: asyncpg.Pool, settings: Settings, charge_id: int) -> bool:
    """Tell the family its saved card was declined for the second instalment, once per
    declined attempt; nothing once the instalment is paid or the order ended."""
    charge = await pool.fetchrow(query("instalment_charge_declined_notice"), charge_id)
    if charge is None:
        return False
    contact = await pool.fetchrow(query("family_contact"), charge["family_id"])
    if contact is None:
        return False
    retry_at = charge["settled_at"] + dt.timedelta(days=settings.instalment_retry_days)
    lapse_at = charge["declined_at"] + dt.timedelta(days=settings.instalment_grace_days)
    message = instalment_declined_email(
        contact["email"],
        contact["locale"],
        greeting_name=contact["first_name"] or "",
        order_ref=str(charge["order_id"])[:8].upper(),
        amount_cents=charge["amount_cents"],
        retry_on=retry_at.astimezone(TIME_ZONE).date() if retry_at < lapse_at else None,
        pay_by=lapse_at.astimezone(TIME_ZONE).date(),
        order_url=f"{settings.public_base_url}/orders/{charge['order_id']}",
        sender=settings.mail_from,
    )
    return await send_once(pool, smtp_settings(settings), f"charge_declined:{charge_id}", message)


async def send_account_link(
    pool: asyncpg.Pool, settings: Settings, account_id: int, purpose: str
) -> bool:
    """Issue a single-use link (confirm the address, reset the password) and email it once.

    The token is made here, in the job, so it travels only in the email: the job's arguments
    and result, which arq keeps in Redis, hold an account id and a purpose.
    """
    token_purpose = TokenPurpose(purpose)
    account = await account_by_id(pool, account_id)
    token = await issue_token(pool, account_id, token_purpose)
    url = f"{settings.public_base_url}{LINK_PATHS[token_purpose]}?token={token}"
    message = account_link_email(
        account.email, account.locale, purpose, url, sender=settings.mail_from
    )
    digest = hashlib.sha256(token.encode()).hexdigest()[:24]
    return await send_once(pool, smtp_settings(settings), f"{purpose}:{digest}", message)


async def send_sign_up_again(
    pool: asyncpg.Pool, settings: Settings, account_id: int, attempt_id: str
) -> bool:
    """Tell an account's owner that someone signed up with its email; once per attempt."""
    account = await account_by_id(pool, account_id)
    base = settings.public_base_url
    message = sign_up_again_email(
        account.email,
        account.locale,
        f"{base}/login",
        f"{base}/password/forgot",
        sender=settings.mail_from,
    )
    return await send_once(pool, smtp_settings(settings), f"sign_up_again:{attempt_id}", message)


async def send_family_decision(
    pool: asyncpg.Pool, settings: Settings, family_id: int, approved: bool
) -> bool:
    """Tell a family staff approved (or refused, and why) its file; once per decision.

    Nothing is sent when a later decision already replaced this one, so a family never reads a
    refusal staff took back. A refusal for another reason is a new decision, so a new email.
    """
    decided = await pool.fetchrow(query("family_decision_now"), family_id)
    contact = await pool.fetchrow(query("family_contact"), family_id)
    decision = "approved" if approved else "refused"
    if contact is None or decided is None or decided["status"] != decision:
        return False
    reason = decided["refusal_reason"] or ""
    message = family_decision_email(
        contact["email"],
        contact["locale"],
        approved,
        f"{settings.public_base_url}/family",
        sender=settings.mail_from,
        greeting_name=contact["first_name"] or "",
        reason=reason,
    )
    key = f"family_{decision}:{family_id}"
    if not approved:
        key += ":" + hashlib.sha256(reason.encode()).hexdigest()[:16]
    return await send_once(pool, smtp_settings(settings), key, message)
