"""Security headers on every response: what a browser may load, frame or send elsewhere.

Scripts only come from the app's own `/static` (no inline script, no CDN; Stripe.js's own
address when Stripe is the provider), so a stored injection cannot run; no page may be framed
(clickjacking on the pay and cart buttons); HSTS only when the public address is https, since
a plain-http demo must stay reachable. The
`secure` library builds the policy; a `before_send` hook puts it on every answer, errors and
404s included, which per-handler response headers would miss.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from litestar.datastructures import MutableScopeHeaders
from litestar.types import BeforeMessageSendHookHandler, Message, Scope
from secure import (
    ContentSecurityPolicy,
    PermissionsPolicy,
    ReferrerPolicy,
    Secure,
    StrictTransportSecurity,
    XContentTypeOptions,
    XFrameOptions,
)

from rush.config import Settings

__all__ = ["security_headers_hook", "security_policy"]

ONE_YEAR_SECONDS = 31_536_000
STRIPE_API = "https://api.stripe.com"
STRIPE_FRAMES = ("https://js.stripe.com", "https://hooks.stripe.com")
"""Stripe.js draws the card field in a frame, and a bank's 3-D Secure page in another."""


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _stripe_sources(settings: Settings) -> tuple[list[str], list[str]]:
    """What the `/pay/` page's Stripe.js loads from (script and frames) and talks to."""
    if settings.payment_provider != "stripe":
        return [], []
    js = _origin(settings.stripe_js_url)
    api = _origin(settings.stripe_api_base) if settings.stripe_api_base else STRIPE_API
    return [js, *STRIPE_FRAMES], [js, api]


def security_policy(settings: Settings) -> Secure:
    stripe_loads, stripe_talks_to = _stripe_sources(settings)
    csp = (
        ContentSecurityPolicy()
        .default_src("'self'")
        .script_src("'self'", *stripe_loads[:1])
        .frame_src("'self'", *stripe_loads)
        # htmx adds its indicator styles inline, and a few templates use style attributes.
        .style_src("'self'", "'unsafe-inline'")
        .img_src("'self'", "data:")
        .connect_src("'self'", *stripe_talks_to)
        .form_action("'self'")
        .frame_ancestors("'none'")
        .base_uri("'self'")
        .object_src("'none'")
    )
    tls = settings.public_base_url.startswith("https://")
    return Secure(
        csp=csp,
        xfo=XFrameOptions().deny(),
        xcto=XContentTypeOptions(),
        referrer=ReferrerPolicy().same_origin(),
        permissions=PermissionsPolicy().camera().microphone().geolocation(),
        hsts=StrictTransportSecurity().max_age(ONE_YEAR_SECONDS).include_subdomains()
        if tls
        else None,
    )


def security_headers_hook(settings: Settings) -> BeforeMessageSendHookHandler:
    headers = dict(security_policy(settings).headers)

    async def add_security_headers(message: Message, _: Scope) -> None:
        if message["type"] == "http.response.start":
            response_headers = MutableScopeHeaders.from_message(message)
            for name, value in headers.items():
                response_headers[name] = value

    return add_security_headers
