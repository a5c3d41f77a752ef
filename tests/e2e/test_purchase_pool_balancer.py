"""The README's nginx configuration for a pool of admitted families, run under Debian's nginx.

Two stand-in pools answer with their name, so each request of a morning shows where the
balancer sent it: the purchase path (`web.purchase_path`) to the second pool, the rest to the
first. The pattern in the README must be the code's, verbatim. Skips when nginx is absent
(`.ci/run` installs it).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from loadtests.bench_processes import free_port
from web.purchase_path import PURCHASE_PATH, is_purchase_path

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "**A pool for admitted families.**"


def readme_nginx_block() -> str:
    """The first ```nginx block after the section's title."""
    text = README.read_text(encoding="utf-8")
    start = text.index(SECTION)
    found = re.search(r"```nginx\n(.*?)```", text[start:], re.DOTALL)
    assert found, "the README's pool section has no nginx block"
    return found.group(1)


def nginx_binary() -> str | None:
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


class _Pool(BaseHTTPRequestHandler):
    """A stand-in pool: answers any request with its name and what the balancer passed on."""

    pool_name = ""

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        body = json.dumps(
            {
                "pool": self.pool_name,
                "path": self.path,
                "forwarded_for": self.headers.get("x-forwarded-for"),
            }
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = _answer  # noqa: N815 (http.server names them so)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def pools() -> Iterator[dict[str, int]]:
    servers = {}
    for name in ("front", "purchase"):
        handler = type(f"{name}_pool", (_Pool,), {"pool_name": name})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers[name] = server
    yield {name: server.server_address[1] for name, server in servers.items()}
    for server in servers.values():
        server.shutdown()
        server.server_close()


def _configuration(block: str, folder: Path, port: int, pools: dict[str, int]) -> str:
    """The README's block in a whole nginx.conf: its upstreams pointed at the stand-ins, its
    server block listening on `port`, every file nginx writes in `folder`."""
    block = re.sub(
        r"upstream rush_front\s*\{[^}]*\}",
        f"upstream rush_front {{ server 127.0.0.1:{pools['front']}; keepalive 8; }}",
        block,
    )
    block = re.sub(
        r"upstream rush_purchase\s*\{[^}]*\}",
        f"upstream rush_purchase {{ server 127.0.0.1:{pools['purchase']}; keepalive 8; }}",
        block,
    )
    block = block.replace("server {", f"server {{\n    listen 127.0.0.1:{port};", 1)
    temp = " ".join(
        f"{kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"daemon off;\nmaster_process off;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\nevents {{}}\n"
        f"http {{\n access_log off;\n {temp}\n{block}\n}}\n"
    )


@pytest.fixture(scope="module")
def balancer(pools: dict[str, int], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx is not installed (.ci/run installs Debian's nginx-light)")
    tmp_path = tmp_path_factory.mktemp("nginx")
    port = free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(_configuration(readme_nginx_block(), tmp_path, port, pools))
    checked = subprocess.run(
        [binary, "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([binary, "-c", str(conf), "-p", str(tmp_path)])
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(f"{base}/health", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(10)


def test_the_readme_routes_by_the_codes_own_pattern() -> None:
    assert f'location ~ "{PURCHASE_PATH.pattern}"' in readme_nginx_block()


MORNING = [
    # The front pool: arrivals, the family file, the catalogue, the waiting room, staff.
    ("GET", "/", "front"),
    ("POST", "/login", "front"),
    ("POST", "/api/v1/auth/login", "front"),
    ("POST", "/signup", "front"),
    ("GET", "/api/v1/family/persons", "front"),
    ("GET", "/api/v1/groups?sale_id=3", "front"),
    ("POST", "/api/v1/sales/3/queue", "front"),
    ("GET", "/api/v1/sales/3/queue/standing", "front"),
    ("GET", "/sales/3/queue", "front"),
    ("GET", "/sales/3/cartography", "front"),
    ("GET", "/ops/sales/3/stream", "front"),
    ("GET", "/mon-dossier", "front"),
    # The purchase pool: once admitted, cart to order, and the provider's webhook.
    ("POST", "/api/v1/sales/3/cart/items", "purchase"),
    ("POST", "/api/v1/sales/3/cart/hold", "purchase"),
    ("DELETE", "/api/v1/sales/3/cart/items/9", "purchase"),
    ("GET", "/api/v1/sales/3/cart", "purchase"),
    ("POST", "/api/v1/sales/3/checkout", "purchase"),
    ("GET", "/sales/3/cart", "purchase"),
    ("POST", "/sales/3/register", "purchase"),
    ("GET", "/sales/3/checkout", "purchase"),
    ("GET", "/sim-pay/ref-1", "purchase"),
    ("POST", "/pay/ref-1", "purchase"),
    ("GET", "/api/v1/orders/0b8e6a4e-2f0e-4a55-9d1e-0a1b2c3d4e5f", "purchase"),
    ("POST", "/api/v1/payments/webhook", "purchase"),
]


@pytest.mark.parametrize(("method", "path", "pool"), MORNING)
def test_each_request_of_a_morning_reaches_its_pool(
    balancer: str, method: str, path: str, pool: str
) -> None:
    assert (pool == "purchase") is is_purchase_path(path.split("?")[0])  # the table is the rule's

    answer = httpx.request(method, f"{balancer}{path}", headers={"x-forwarded-for": "10.1.2.3"})

    assert answer.status_code == 200
    served = answer.json()
    assert served["pool"] == pool
    assert served["path"] == path
    assert served["forwarded_for"] == "10.1.2.3, 127.0.0.1"  # the family's address kept
