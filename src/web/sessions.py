"""Server-side sessions whose id changes at login, so a planted session id is worth nothing.

Litestar keeps the id of the cookie it received; `rotate_session` marks the request, and the
backend below then drops the old id from the store and answers with a fresh one.
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

__all__ = ["RotatingSessionConfig", "rotate_session"]


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
