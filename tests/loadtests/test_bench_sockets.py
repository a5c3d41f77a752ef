"""The socket figures read the kernel's own tables: each pool's accept queue from `ss`, the
connections opened from `/proc/net/snmp`."""

from __future__ import annotations

from pathlib import Path

from loadtests.bench_sockets import SocketSampler, accept_queues, tcp_active_opens

SS_LISTENING = """\
LISTEN 2548   8192       127.0.0.1:41733      0.0.0.0:*
LISTEN 0      8192       127.0.0.1:46115      0.0.0.0:*
LISTEN 0      4096         0.0.0.0:22         0.0.0.0:*
LISTEN 3      511            [::1]:5432          [::]:*
"""


def test_each_pool_reads_the_recv_q_of_its_own_listening_port() -> None:
    queues = accept_queues(SS_LISTENING, {"web": 46115, "web-purchase": 41733, "gone": 9})

    assert queues == {"web": 0, "web-purchase": 2548, "gone": 0}


def test_connections_opened_come_from_the_tcp_lines_of_snmp(tmp_path: Path) -> None:
    snmp = tmp_path / "snmp"
    snmp.write_text(
        "Ip: Forwarding DefaultTTL\nIp: 1 64\n"
        "Tcp: RtoAlgorithm RtoMin ActiveOpens PassiveOpens\nTcp: 1 200 740146 739870\n"
    )

    assert tcp_active_opens(snmp) == 740146
    assert tcp_active_opens(tmp_path / "missing") is None


def test_the_figures_are_per_pool_and_per_family() -> None:
    sampler = SocketSampler({"web": 1}, {"web": [0, 4, 2]}, opened_before=100, opened_after=350)

    assert sampler.figures(families=50) == {
        "accept_queue": {"web": {"max": 4, "mean": 2.0}},
        "tcp_connections_opened": 250,
        "tcp_connections_per_family": 5.0,
    }
