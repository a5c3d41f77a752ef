"""Signing a family up: one workflow for the sign-up page and the API.

It answers the same whether the email is new or already has an account, so sign-up never
tells anyone which addresses have one: the email sent to that address says what happened (a
confirmation link for a new account, "log in or choose a new password" for an existing one).
For the same reason it signs no one in: the family then logs in with the password it chose.
"""

from __future__ import annotations

import uuid

from rush.db import query
from rush.errors import EmailTaken
from rush.families.account_attempts import AccountDoor, count_account_attempt
from rush.families.account_tokens import TokenPurpose
from rush.families.accounts import create_family_account
from rush.jobs import SEND_SIGN_UP_AGAIN
from web.account_links import send_link
from web.state import Resources

__all__ = ["sign_up_family"]


async def sign_up_family(
    res: Resources, *, email: str, password: str, first_name: str, last_name: str, locale: str
) -> None:
    """Create the family's account and send its confirmation link, or, when the email already
    has an account, tell that account's owner; either way the caller learns nothing."""
    await count_account_attempt(res.services.jobs_redis, AccountDoor.SIGN_UP, email)
    try:
        # Hashes the password before it finds the email taken: both answers take as long.
        account = await create_family_account(
            res.services.pool,
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            locale=locale,
            needs_approval=res.settings.accounts_need_approval,
        )
    except EmailTaken:
        account_id = await res.services.pool.fetchval(query("account_id_by_email"), email)
        await res.jobs.enqueue_job(SEND_SIGN_UP_AGAIN, account_id, uuid.uuid4().hex)
        return
    await send_link(res, account.id, TokenPurpose.CONFIRM_EMAIL)
