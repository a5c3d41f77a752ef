"""Sending the single-use account links (confirm an address, reset a password) by email."""

from __future__ import annotations

from rush.families.account_tokens import TokenPurpose
from rush.jobs import SEND_ACCOUNT_LINK
from web.state import Resources

__all__ = ["send_link"]


async def send_link(res: Resources, account_id: int, purpose: TokenPurpose) -> None:
    """Let a worker issue the token and email its link; the page answers at once.

    The job carries the account id only: a link enqueued here would sit in Redis.
    """
    await res.jobs.enqueue_job(SEND_ACCOUNT_LINK, account_id, purpose.value)
