"""Server-side sessions whose id changes at login, so a planted session id is worth nothing,
and which a password reset can end on every device.

Litestar keeps the id of the cookie it received; `rotate_session` marks the request, and the
backend below then drops the old id from the store and answers with a fresh one. Each id given
at sign-in is also added to its account's set in Redis, so `end_account_sessions` finds them
all without a check on every request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Message, ScopeSession

from web.state import resources

__all__ = ["SESSION_STORE", "RotatingSessionConfig", "end_account_sessions", "rotate_session"]

SESSION_STORE = "sessions"


def _account_sessions_key(account_id: int) -> str:
    return f"rush:account-sessions:{account_id}"


def rotate_session(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Give this connection's session a new id when the response is sent."""
    connection.state.rotate_session = True


class RotatingSessionBackend(ServerSideSessionBackend):
    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        if connection.state.get("rotate_session"):
            if not connection.state.get("rotated_session_id"):
                connection.state.rotated_session_id = self.generate_session_id()
            rotated: str = connection.state.rotated_session_id
            return rotated
        return super().get_session_id(connection)

    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        if data:
            connection.state.loaded_session = self.serialize_data(data, connection.scope)
        return data

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        old_id = connection.cookies.get(self.config.key)
        rotating = connection.state.get("rotate_session")
        if scope_session == {} and not rotating and (not old_id or old_id == "null"):
            # Anonymous with nothing to keep (the catalogue, /api/v1/groups, /health): Litestar
            # would store an empty session in Redis and set its cookie on every such request.
            return
        if not rotating and _unchanged(self, scope_session, connection):
            # A waiting-room poll or a hold changes nothing in the session: no Redis write, no
            # cookie. The session then lasts `max_age` from its last change (a login), not
            # from the last request: a whole morning, and one Redis round trip less per poll.
            return
        if rotating and old_id and old_id != "null":
            await self.delete(old_id, store=self.config.get_store_from_app(connection.scope["app"]))
        await super().store_in_message(scope_session, message, connection)
        if rotating and isinstance(scope_session, dict):
            await self._index_by_account(scope_session, connection)

    async def _index_by_account(
        self, scope_session: dict[str, Any], connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        account = scope_session.get("account")
        if not isinstance(account, dict) or not isinstance(account.get("id"), int):
            return
        redis = resources(connection.app.state).services.jobs_redis
        key = _account_sessions_key(account["id"])
        # The set outlives its newest session by nothing: stale ids in it cost a no-op delete.
        async with redis.pipeline(transaction=True) as pipe:
            pipe.sadd(key, self.get_session_id(connection))
            pipe.expire(key, self.config.max_age)
            await pipe.execute()


async def end_account_sessions(
    connection: ASGIConnection[Any, Any, Any, Any], account_id: int
) -> None:
    """Sign the account out everywhere: after a password reset, no old device stays in."""
    app = connection.app
    redis = resources(app.state).services.jobs_redis
    key = _account_sessions_key(account_id)
    async with redis.pipeline(transaction=True) as pipe:  # a sign-in meanwhile is not lost
        pipe.smembers(key)
        pipe.delete(key)
        session_ids, _ = await pipe.execute()
    store = app.stores.get(SESSION_STORE)
    for session_id in session_ids:
        await store.delete(session_id.decode() if isinstance(session_id, bytes) else session_id)


def _unchanged(
    backend: ServerSideSessionBackend,
    scope_session: ScopeSession,
    connection: ASGIConnection[Any, Any, Any, Any],
) -> bool:
    loaded = connection.state.get("loaded_session")
    if loaded is None or not isinstance(scope_session, dict):
        return False
    return bool(backend.serialize_data(scope_session, connection.scope) == loaded)


@dataclass
class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend
