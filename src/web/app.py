"""The Litestar app factory: every web process is stateless and built here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Controller, Litestar, Request
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from rush.config import Settings
from rush.load_shedding import Saturation, ShedThresholds
from rush.ops.dashboard import DASHBOARD_CHANNELS_PREFIX
from web.api.auth import AuthController
from web.api.cart import CartController
from web.api.family import FamilyController
from web.api.groups import GroupsController
from web.api.health import health, ping
from web.api.ops import OpsSaleController
from web.api.ops_families import OpsFamiliesController
from web.api.ops_orders import OpsOrdersController
from web.api.orders import CheckoutController
from web.api.payments import payment_webhook
from web.api.queue import QueueController, QueueTicketController
from web.api.waitlist import WaitlistController
from web.auth import SESSION_STORE, make_session_auth, session_store
from web.metrics import http_metrics, metrics
from web.ops.attendance import AttendancePages
from web.ops.catalogue_admin import CatalogueAdminPages
from web.ops.dashboard import DashboardPages
from web.ops.exports import ExportPages
from web.ops.families_admin import FamiliesAdminPages
from web.ops.group_admin import GroupAdminPages
from web.ops.home import OpsHome
from web.ops.orders_admin import OrdersAdminPages
from web.ops.policies_admin import PoliciesAdminPages
from web.pages.account import AccountPages
from web.pages.family_pages import family_file_pages
from web.pages.portal import PortalPages
from web.pages.records import RecordsPages
from web.pages.render import load_sales_on_show
from web.pages.rush_morning import OrderPages, RushMorningPages
from web.pages.sim_pay import SimulatedPaymentPage
from web.pages.stripe_pay import StripePaymentPage
from web.pages.waitlist import WaitlistPages
from web.path_ids import IdsInRange
from web.problems import exception_handlers
from web.rate_limits import DoorLimits
from web.request_log import RequestLog, log_unexpected_error
from web.security_headers import security_headers_hook
from web.shedding import SATURATION, ShedApiArrivalsEarly, saturation_lifespan, shed_first
from web.state import JOBS_REDIS, open_jobs_redis, resources_lifespan
from web.strict_bodies import StrictBodies

__all__ = ["create_app"]

HERE = Path(__file__).parent
CSRF_EXEMPT = [r"^/api/v1/payments/webhook$", r"^/sim-pay/"]
"""Anchored: an exemption matched anywhere in a path would exempt more than these."""


_NOT_FAMILY_PAGES = (
    "/api/",
    "/static/",
    "/ops",
    "/sim-pay/",
    "/pay/",
    "/metrics",
    "/health",
    "/ping",
)


async def announce_sales_on_pages(request: Request[Any, Any, Any]) -> None:
    """A family page's header says where registration stands; API calls never pay for it."""
    if not request.url.path.startswith(_NOT_FAMILY_PAGES):
        await load_sales_on_show(request)


def provider_pages(settings: Settings) -> list[type[Controller]]:
    """Each provider's pay page exists only with that provider: the simulated one anywhere
    else would let a family mark its own order paid without a card."""
    pages: dict[str, list[type[Controller]]] = {
        "simulated": [SimulatedPaymentPage],
        "stripe": [StripePaymentPage],
    }
    return pages.get(settings.payment_provider, [])


def create_app(settings: Settings) -> Litestar:
    """Build the app for servers already running at `settings.database_url` / `redis_url`."""
    session_auth = make_session_auth(settings)
    jobs_redis = open_jobs_redis(settings)
    saturation = Saturation(ShedThresholds.from_settings(settings))
    app = Litestar(
        route_handlers=[
            health,
            ping,
            metrics,
            GroupsController,
            AuthController,
            FamilyController,
            QueueController,
            QueueTicketController,
            CartController,
            CheckoutController,
            WaitlistController,
            payment_webhook,
            OpsSaleController,
            OpsFamiliesController,
            OpsOrdersController,
            PortalPages,
            AccountPages,
            RushMorningPages,
            family_file_pages,
            OrderPages,
            RecordsPages,
            WaitlistPages,
            DashboardPages,
            OpsHome,
            CatalogueAdminPages,
            GroupAdminPages,
            FamiliesAdminPages,
            OrdersAdminPages,
            PoliciesAdminPages,
            AttendancePages,
            ExportPages,
            create_static_files_router(path="/static", directories=[HERE / "static"]),
            *provider_pages(settings),
        ],
        lifespan=[resources_lifespan, saturation_lifespan],
        state=State({"settings": settings, JOBS_REDIS: jobs_redis, SATURATION: saturation}),
        stores={
            SESSION_STORE: session_store(jobs_redis),
        },
        middleware=[
            IdsInRange,
            StrictBodies(),
            DoorLimits,
        ],
        before_request=announce_sales_on_pages,
        before_send=[security_headers_hook(settings)],
        # Shedding goes first of all middleware, so it is added after the session's.
        on_app_init=[session_auth.on_app_init, shed_first(saturation)],
        plugins=[
            ChannelsPlugin(
                # The backend and prefix `workers.channels` publishes dashboard snapshots on.
                backend=RedisChannelsPubSubBackend(
                    redis=jobs_redis,
                    key_prefix=DASHBOARD_CHANNELS_PREFIX,
                ),
                arbitrary_channels_allowed=True,
            )
        ],
        csrf_config=CSRFConfig(
            secret=settings.signing_key,
            cookie_name="csrftoken",
            header_name="x-csrftoken",
            cookie_secure=settings.secure_cookies,
            exclude=CSRF_EXEMPT,
        ),
        exception_handlers=exception_handlers(),
        after_exception=[log_unexpected_error],
        # Each process configures logging once (`web.logs`); Litestar's default would
        # replace the root handler and its redaction.
        logging_config=None,
        template_config=TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine),
        openapi_config=OpenAPIConfig(title="Rush", version="0.1.0", path="/schema"),
    )
    # Outside the router and its exception handlers: every answer, a CSRF refusal or a path
    # no route takes included, gets its request id, its log line and its count; except API
    # new arrivals shed while saturated, answered first of all (`ShedApiArrivalsEarly`).
    app.asgi_handler = ShedApiArrivalsEarly(
        RequestLog()(http_metrics(app.asgi_handler)), saturation, settings.help_phone
    )
    return app
