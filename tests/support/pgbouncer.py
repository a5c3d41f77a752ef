"""A running PgBouncer in transaction pooling in front of the suite's PostgreSQL.

Debian's `pgbouncer` runs as a real process on a free port, its ini and userlist written in a
temporary directory, so Rush can be tested through a pooler as a town deploys it. Its server
pool is kept small on purpose: many clients then share few backends, which is what breaks
session state and prepared statements. Tests skip with the reason when `pgbouncer` is absent.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

import asyncpg
import pytest

__all__ = ["PgBouncer", "pgbouncer_binary", "running_pgbouncer"]

_SERVER_CONNECTIONS_PER_DATABASE = 3


def pgbouncer_binary() -> str | None:
    """PgBouncer's path: on PATH, or where Debian puts it (`/usr/sbin`, off a user's PATH)."""
    return shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin")


@dataclass(frozen=True)
class PgBouncer:
    """Where the pooler listens, and how to reach the same databases directly."""

    direct_url: str
    port: int
    log: Path

    def url(self, database: str | None = None) -> str:
        """`direct_url` (or its `database`) reached through the pooler instead."""
        parts = urlsplit(self.direct_url)
        credentials = parts.netloc.rpartition("@")[0]
        user = f"{credentials}@" if credentials else ""
        path = f"/{database}" if database else parts.path
        return urlunsplit((parts.scheme, f"{user}127.0.0.1:{self.port}", path, "", ""))

    @property
    def database(self) -> str:
        """The database of `direct_url`, the one `url()` reaches."""
        return urlsplit(self.direct_url).path.lstrip("/")

    @asynccontextmanager
    async def _killed(self, database: str) -> AsyncIterator[None]:
        """`database`'s client and server connections closed on the admin console (`KILL`);
        new clients wait until the block ends (`RESUME`)."""
        console = await asyncpg.connect(self.url("pgbouncer"))
        try:
            await console.execute(f"KILL {database}")
            yield
            await console.execute(f"RESUME {database}")
        finally:
            await console.close()

    async def close_server_connections(self, database: str | None = None) -> None:
        """Start `database` (default: `direct_url`'s) over with fresh server connections, so no
        session state a test left on a backend reaches the next test."""
        async with self._killed(database or self.database):
            pass

    async def drop_database(self, database: str) -> None:
        """Drop `database` although the pooler keeps server connections to it: close them,
        then drop on the direct URL."""
        async with self._killed(database):
            direct = await asyncpg.connect(self.direct_url)
            try:
                await direct.execute(f'DROP DATABASE IF EXISTS "{database}"')
            finally:
                await direct.close()

    async def fresh_database(self, database: str) -> None:
        """An empty `database`, whatever an earlier run left under that name."""
        await self.drop_database(database)
        direct = await asyncpg.connect(self.direct_url)
        try:
            await direct.execute(f'CREATE DATABASE "{database}"')
        finally:
            await direct.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _server_address(direct_url: str) -> tuple[str, int]:
    """Host (or Unix socket folder, as the embedded server listens) and port of Postgres."""
    parts = urlsplit(direct_url)
    options = parse_qs(parts.query)
    host = options.get("host", [parts.hostname or "127.0.0.1"])[0]
    port = options.get("port", [str(parts.port or 5432)])[0]
    if host.startswith("/") and not parts.port and "port" not in options:
        socket_file = next(Path(host).glob(".s.PGSQL.*"))
        port = socket_file.suffix.removeprefix(".")
    return host, int(port)


def _run_as(host: str) -> str:
    """PgBouncer refuses to run as root: then it runs as whoever may open the server's socket."""
    if os.geteuid() != 0:
        return ""
    owner = pwd.getpwuid(Path(host).stat().st_uid).pw_name if host.startswith("/") else "nobody"
    return f"user = {owner}\n"


def _write_config(folder: Path, direct_url: str, port: int) -> Path:
    parts = urlsplit(direct_url)
    user = parts.username or "postgres"
    password = parts.password or ""
    host, server_port = _server_address(direct_url)
    (folder / "userlist.txt").write_text(f'"{user}" "{password}"\n')
    ini = folder / "pgbouncer.ini"
    ini.write_text(
        "[databases]\n"
        f"* = host={host} port={server_port}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        # The suite's Postgres trusts local clients; a password, when set, is checked here.
        f"auth_type = {'scram-sha-256' if password else 'trust'}\n"
        f"auth_file = {folder / 'userlist.txt'}\nadmin_users = {user}\n"
        "pool_mode = transaction\n"
        f"default_pool_size = {_SERVER_CONNECTIONS_PER_DATABASE}\nmax_client_conn = 500\n"
        + _run_as(host)
    )
    for path in (folder, ini, folder / "userlist.txt"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return ini


def _wait_listening(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"pgbouncer did not start: {log.read_text()}")
        time.sleep(0.05)


@contextmanager
def running_pgbouncer(direct_url: str) -> Iterator[PgBouncer]:
    """PgBouncer in transaction pooling in front of `direct_url`'s server, every database of
    it reachable under the same name; stopped (and waited for) on exit."""
    binary = pgbouncer_binary()
    if binary is None:
        pytest.skip("pgbouncer is not installed (Debian: apt-get install pgbouncer)")
    folder = Path(tempfile.mkdtemp(prefix="rush-pgbouncer-"))
    port = _free_port()
    ini = _write_config(folder, direct_url, port)
    log = folder / "pgbouncer.log"
    with log.open("wb") as output:
        process = subprocess.Popen([binary, str(ini)], stdout=output, stderr=output)
    try:
        _wait_listening(process, port, log)
        yield PgBouncer(direct_url=direct_url, port=port, log=log)
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
