"""Sending the single-use account links (confirm an address, reset a password) by email."""

from __future__ import annotations

from rush.families.account_tokens import TokenPurpose, issue_token
from rush.jobs import SEND_ACCOUNT_LINK
from web.state import Resources

__all__ = ["send_link"]

_PATHS = {
    TokenPurpose.CONFIRM_EMAIL: "/confirm-email",
    TokenPurpose.RESET_PASSWORD: "/password/reset",
}


async def send_link(res: Resources, account_id: int, purpose: TokenPurpose) -> None:
    """Issue a token and let a worker email its link; the page answers at once."""
    token = await issue_token(res.services.pool, account_id, purpose)
    url = f"{res.settings.public_base_url}{_PATHS[purpose]}?token={token}"
    await res.jobs.enqueue_job(SEND_ACCOUNT_LINK, account_id, purpose.value, url)
