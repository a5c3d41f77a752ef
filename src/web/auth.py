"""Who is calling: server-side sessions in Redis, and role guards.

The session stores the signed-in account (id, family, role, locale) on the server; the
browser only holds an opaque session id. A family only ever acts on its own file because
handlers take the family id from here, never from the request.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.session.server_side import ServerSideSessionBackend
from litestar.security.session_auth import SessionAuth
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis

from rush.config import Settings
from rush.families.accounts import Account, current_role
from web.sessions import SESSION_STORE, RotatingSessionConfig
from web.state import resources

__all__ = [
    "PUBLIC_PATHS",
    "SESSION_STORE",
    "current_account",
    "family_only",
    "make_session_auth",
    "session_payload",
    "session_store",
    "staff_only",
]

PUBLIC_PATHS = [
    "^/$",
    "^/(signup|login|logout|confirm-email)$",
    "^/password/",
    "^/catalogue",
    "^/terms$",
    "^/lang/",
    "^/static/",
    "^/health$",
    "^/metrics$",
    "^/api/v1/ping$",
    "^/schema",
    "^/api/v1/groups",
    "^/api/v1/auth/(signup|login)$",
    "^/api/v1/payments/webhook$",
    "^/sim-pay/",
    "^/pay/",
]


def session_payload(account: Account) -> dict[str, Any]:
    return {"account": msgspec.to_builtins(account), "locale": account.locale}


async def _account_from_session(
    session: dict[str, Any], _: ASGIConnection[Any, Any, Any, Any]
) -> Account | None:
    raw = session.get("account")
    return msgspec.convert(raw, Account) if raw else None


def session_store(jobs_redis: Redis) -> RedisStore:
    """Sessions live in the jobs Redis, so any web process serves any family."""
    return RedisStore(jobs_redis, namespace="rush:sessions")


def make_session_auth(settings: Settings) -> SessionAuth[Account, ServerSideSessionBackend]:
    return SessionAuth[Account, ServerSideSessionBackend](
        retrieve_user_handler=_account_from_session,
        session_backend_config=RotatingSessionConfig(
            store=SESSION_STORE,
            key="rush_session",
            max_age=12 * 3600,
            secure=settings.secure_cookies,
            httponly=True,
            samesite="lax",
        ),
        exclude=PUBLIC_PATHS,
    )


def current_account(connection: ASGIConnection[Any, Any, Any, Any]) -> Account:
    account = connection.scope.get("user")
    if not isinstance(account, Account):
        raise NotAuthorizedException()
    return account


async def family_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    # Guards are async: Litestar runs a sync guard in a worker thread, a hop per request.
    account = current_account(connection)
    if account.role != "family" or account.family_id is None:
        raise PermissionDeniedException()


async def staff_only(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Supervisors watch; admins act. A handler marked `opt={"admin": True}` needs an admin.

    The role is read again from Postgres (one primary-key lookup; staff are a handful), so a
    demoted or removed staff member is refused on the very next request, not at sign-out.
    """
    signed_in = current_account(connection)
    role = await current_role(resources(connection.app.state).services.pool, signed_in.id)
    if role is None:
        raise NotAuthorizedException()
    account = msgspec.structs.replace(signed_in, role=role)
    connection.scope["user"] = account
    needs_admin = bool(handler.opt.get("admin"))
    if account.role == "admin" or (account.role == "supervisor" and not needs_admin):
        return
    raise PermissionDeniedException()
