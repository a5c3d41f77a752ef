"""The `/pay/` page: mounted for the Stripe provider only, and allowed to load Stripe.js."""

from __future__ import annotations

from rush.config import Settings
from tests.support.api_family import Client


def policy_of(header: str) -> dict[str, str]:
    return dict(directive.strip().split(" ", 1) for directive in header.split(";"))


async def test_the_pay_page_may_load_stripe_js_and_talk_to_the_stripe_api_only(
    stripe_family: Client, stripe_settings: Settings
) -> None:
    answer = await stripe_family.get("/pay/pi_unknown")
    policy = policy_of(answer.headers["content-security-policy"])

    assert answer.status_code == 404
    assert policy["script-src"] == f"'self' {stripe_settings.stripe_api_base}"
    assert policy["connect-src"] == f"'self' {stripe_settings.stripe_api_base}"
    assert stripe_settings.stripe_api_base in policy["frame-src"]
    assert policy["frame-ancestors"] == "'none'"


async def test_there_is_no_stripe_page_with_the_simulated_provider(family_client: Client) -> None:
    answer = await family_client.get("/pay/pi_anything")
    policy = policy_of(answer.headers["content-security-policy"])

    assert answer.status_code == 404
    assert policy["script-src"] == "'self'"
