"""One fault test's world: its own servers, Rush's processes, a seeded sale, and the verdict.

`FaultRush` starts a PostgreSQL and a Valkey the test controls (`tests.faults.servers`), the
web processes and workers (`tests.faults.processes`), a mail catcher, and an open sale with
its families (`tests.faults.rush_sale`). The test plays the families with `driver()`, injects
its fault, then `settle()` waits until every payment the provider took is finalized and
every confirmation sent, and `audit()` runs `rush audit` on the result.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

import asyncpg
import httpx
import msgspec
from redis.asyncio import Redis

from loadtests.bench_processes import bin_path, free_port
from loadtests.queries import query
from rush.config import Settings, load_settings
from rush.db import apply_migrations, connect, create_pool
from rush.dev.mail_catcher import MailCatcher, start_mail_catcher
from rush.dev.valkey_cluster import ValkeyCluster, running_valkey_cluster
from rush.ops.audit import AuditReport, run_audit
from rush.purchase.payments import SimulatedProvider
from rush.purchase.payments.simulated import deliver
from rush.redis_clients import EngineRedis, open_engine_redis
from rush.room.sales import copy_admissions_to_postgres
from rush.room.waiting_room import WaitingRoom
from tests.faults.driver import DriverReport, RushDriver
from tests.faults.processes import RushProcesses, child_env
from tests.faults.rush_sale import RushSale, prepare_sale
from tests.faults.servers import PostgresProcess, ValkeyProcess
from tests.support.figures import record
from tests.support.pgbouncer import running_pgbouncer

__all__ = ["FaultRush", "FaultRushOptions", "report"]

_DATABASE = "rush"


class Aftermath(NamedTuple):
    settled: bool
    """Every payment the provider took finalized and confirmed (False at the timeout)."""
    audit: AuditReport
    mismatches: int
    """Orders whose registrations are not one per line when paid, none otherwise."""
    emails: dict[str, int]
    """Confirmation emails received per paid order."""


@dataclass(frozen=True, slots=True)
class FaultRushOptions:
    families: int = 200
    places_per_group: int = 20
    web_processes: int = 1
    workers: int = 1
    job_timeout_s: int = 300
    seed: int = 1
    engine_cluster: bool = False
    """The engine on a 3-primary Valkey Cluster; the test's Valkey then holds only the jobs."""
    cluster_replicas: bool = False
    """With `engine_cluster`: one replica per primary, for failovers."""
    through_pgbouncer: bool = False
    """Every Rush process reaches PostgreSQL through PgBouncer in transaction pooling."""


class FaultRush:
    """Use as `async with FaultRush(options) as rush:`; everything stops on the way out."""

    def __init__(self, options: FaultRushOptions) -> None:
        self.options = options
        self.folder = Path(tempfile.mkdtemp(prefix="rush-fault-"))
        self.folder.chmod(0o755)
        self.postgres = PostgresProcess(self.folder / "postgres")
        self.valkey = ValkeyProcess(self.folder / "valkey")
        self._stack = contextlib.ExitStack()
        self.pool: asyncpg.Pool
        self.redis: EngineRedis
        """The engine's Redis: the test's Valkey, or the cluster."""
        self.jobs_redis: Redis
        """The test's Valkey: arq's queue and keys live there in any case."""
        self.cluster: ValkeyCluster | None = None
        self.settings: Settings
        self.sale: RushSale
        self.processes: RushProcesses
        self.catcher: MailCatcher

    async def __aenter__(self) -> FaultRush:
        try:
            await self._start()
        except BaseException:
            await self.__aexit__(None, None, None)
            raise
        return self

    async def _start(self) -> None:
        await asyncio.to_thread(self.postgres.init)
        self._stack.callback(self.postgres.stop)
        await asyncio.to_thread(self.postgres.start)
        await asyncio.to_thread(self.postgres.create_database, _DATABASE)
        self._stack.callback(self.valkey.stop)
        await asyncio.to_thread(self.valkey.start)
        self.catcher = self._stack.enter_context(start_mail_catcher(self.folder / "mail"))
        self.settings = await asyncio.to_thread(self._settings, self.catcher)
        self.env = child_env(self.settings, self.options.job_timeout_s)
        self.processes = RushProcesses(self.settings, self.env, self.folder)
        self._stack.callback(self.processes.stop_all)
        # uvicorn imports the app while the schema and the sale are made: the web processes
        # touch no table before the first request, and none comes before they are healthy.
        self.processes.start_web(self.options.web_processes)
        pooler = self.settings.database_pooler
        conn = await connect(self.settings.database_url, pooler=pooler)
        try:
            await apply_migrations(conn)
        finally:
            await conn.close()
        self.pool = await create_pool(
            self.settings.database_url, min_size=1, max_size=8, pooler=pooler
        )
        self.redis = open_engine_redis(self.settings.redis_url, max_connections=64)
        self.jobs_redis = Redis.from_url(self.valkey.url)
        self.sale = await prepare_sale(
            self.pool,
            self.redis,
            self.settings,
            families=self.options.families,
            places_per_group=self.options.places_per_group,
            seed=self.options.seed,
        )
        for _ in range(self.options.workers):
            self.processes.start_worker()
        await asyncio.to_thread(self.processes.wait_for_web, self.options.web_processes)

    def _settings(self, catcher: MailCatcher) -> Settings:
        port = free_port()
        database_url, pooler = self.postgres.url(_DATABASE), "none"
        if self.options.through_pgbouncer:
            database_url = self._stack.enter_context(running_pgbouncer(database_url)).url()
            pooler = "pgbouncer"
        redis_url, jobs_redis_url = self.valkey.url, ""
        if self.options.engine_cluster:
            self.cluster = self._stack.enter_context(
                running_valkey_cluster(with_replicas=self.options.cluster_replicas)
            )
            redis_url, jobs_redis_url = self.cluster.url, redis_url
        return msgspec.structs.replace(
            load_settings({"RUSH_ENV": "development"}),
            database_url=database_url,
            database_pooler=pooler,
            redis_url=redis_url,
            jobs_redis_url=jobs_redis_url,
            port=port,
            public_base_url=f"http://127.0.0.1:{port}",
            signing_key="fault-tests-signing-key",
            smtp_host=catcher.host,
            smtp_port=catcher.port,
        )

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with contextlib.suppress(Exception):
            await self.redis.aclose()
        with contextlib.suppress(Exception):
            await self.jobs_redis.aclose()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.pool.close(), 10)
        await asyncio.to_thread(self._stack.close)
        # The cluster is the bulk of the folder; the logs stay for whoever reads a failure.
        shutil.rmtree(self.postgres.data, ignore_errors=True)
        print(f"fault rush: logs in {self.folder}")

    def driver(self, **options: Any) -> RushDriver:
        return RushDriver(self.settings.public_base_url, self.sale.sale_id, **options)

    async def play(self, driver: RushDriver) -> asyncio.Task[DriverReport]:
        """Start the families in the background; the test injects its fault meanwhile."""
        return asyncio.create_task(driver.run(self.sale.trace.families))

    async def wait_for_payers(self, driver: RushDriver, payers: int, timeout_s: float = 60) -> None:
        """Until `payers` families reached checkout: the rush is in full swing."""
        deadline = time.monotonic() + timeout_s
        while driver.paying < payers:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {driver.paying} families checked out")
            await asyncio.sleep(0.05)

    def dead_workers(self) -> int:
        return sum(1 for w in self.processes.workers if w.poll() is not None)

    async def reconcile(self) -> str:
        """`rush reconcile`, as the operator runs it after Redis came back."""
        done = await self._rush("reconcile")
        done.check_returncode()
        return done.stdout

    async def audit_command(self) -> subprocess.CompletedProcess[str]:
        """`rush audit --sale N`, as the operator runs it: exit 0 when clean."""
        await copy_admissions_to_postgres(self.pool, WaitingRoom(self.redis), self.sale.sale_id)
        return await self._rush("audit", "--sale", str(self.sale.sale_id))

    async def _rush(self, *argv: str) -> subprocess.CompletedProcess[str]:
        return await asyncio.to_thread(
            subprocess.run,
            [bin_path("rush"), *argv],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    async def settle(self, timeout_s: float = 90.0) -> bool:
        """Until every payment the provider took is finalized and each paid order's confirmation
        is sent; False at the timeout."""
        sql = query("bench_unfinalized_orders")
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, asyncpg.PostgresError):
                unfinalized = await self.pool.fetchval(sql, self.sale.sale_id)
                unsent = await self.pool.fetchval(
                    "SELECT count(*) FROM orders o WHERE o.sale_id = $1 AND o.status = 'paid'"
                    " AND NOT EXISTS (SELECT 1 FROM sent_email e"
                    "  WHERE e.purpose = 'confirmation:' || o.id::text)",
                    self.sale.sale_id,
                )
                if unfinalized == 0 and unsent == 0:
                    return True
            await asyncio.sleep(0.5)
        return False

    async def redeliver_unrecorded_webhooks(self, older_than_s: int = 5) -> int:
        """Play a real provider's own retries: post again every webhook of a payment completed
        `older_than_s` ago that Rush has not recorded. (The simulated provider queues its
        deliveries in Rush's Redis, so a Redis that lost its last seconds lost them too; a real
        provider keeps retrying from its side.)"""
        provider = SimulatedProvider(
            self.pool, self.settings.webhook_secret, self.settings.public_base_url
        )
        refs = await self.pool.fetch(
            "SELECT s.id FROM sim_provider_payment s WHERE s.status = 'succeeded'"
            " AND s.completed_at < now() - make_interval(secs => $1)"
            " AND NOT EXISTS (SELECT 1 FROM payment_event e"
            "  WHERE (e.payload ->> 'payment_id')::uuid = s.payment_id)",
            older_than_s,
        )
        url = f"{self.settings.public_base_url}/api/v1/payments/webhook"
        async with httpx.AsyncClient(timeout=10) as client:
            for ref in refs:
                webhook = await provider.complete(ref["id"], succeed=True, now_s=int(time.time()))
                await deliver(webhook, url, client)
        return len(refs)

    async def wait_for_holds(self, driver: RushDriver, holds: int, timeout_s: float = 30) -> None:
        """Until the families took `holds` more places (or the timeout: the rush may be over)."""
        target = driver.holds + holds
        deadline = time.monotonic() + timeout_s
        while driver.holds < target:
            if time.monotonic() > deadline:
                return
            await asyncio.sleep(0.02)

    async def aftermath(self) -> Aftermath:
        """Once the families are done: settle, audit, and count what each fault test checks."""
        settled = await self.settle(timeout_s=90)
        audit = await self.audit()
        mismatches = await self.registration_mismatches()
        return Aftermath(settled, audit, mismatches, await self.confirmations_received())

    async def audit(self) -> AuditReport:
        await copy_admissions_to_postgres(self.pool, WaitingRoom(self.redis), self.sale.sale_id)
        return await run_audit(self.pool, self.redis, self.settings, self.sale.sale_id)

    async def registration_mismatches(self) -> int:
        """Orders whose registrations are not exactly one per line when paid, none otherwise."""
        mismatches: int = await self.pool.fetchval(
            "SELECT count(*) FROM ("
            " SELECT o.id, o.status, count(l.id) AS lines, count(r.id) AS registered"
            "   FROM orders o JOIN order_line l ON l.order_id = o.id"
            "   LEFT JOIN registration r ON r.order_line_id = l.id AND r.status = 'active'"
            "  WHERE o.sale_id = $1 GROUP BY o.id, o.status) per_order"
            " WHERE (status = 'paid' AND registered <> lines)"
            "    OR (status <> 'paid' AND registered > 0)",
            self.sale.sale_id,
        )
        return mismatches

    async def confirmations_received(self) -> dict[str, int]:
        """Per paid order, how many confirmation emails the SMTP catcher received for it."""
        paid = await self.pool.fetch(
            "SELECT id FROM orders WHERE sale_id = $1 AND status = 'paid'", self.sale.sale_id
        )
        bodies = [
            str(m.get_body(("plain",)).get_content())  # type: ignore[union-attr]
            for m in self.catcher.messages
            if "inscription" in str(m["Subject"])
        ]
        refs = {str(r["id"]): str(r["id"])[:8].upper() for r in paid}
        return {order: sum(ref in body for body in bodies) for order, ref in refs.items()}


def report(fault: str, injected: str, driven: DriverReport, audit: AuditReport) -> None:
    """Print what was injected and found, and add the figures to the suite's summary."""
    summary = audit.summary()
    print(f"\n== fault: {fault}\n   injected: {injected}")
    print(f"   families: {driven.summary()}")
    print(f"   audit: {summary}")
    record(
        "faults",
        injected=1,
        survived=int(audit.clean),
        orders=audit.counts.orders,
        oversold=audit.oversold,
        lost=audit.lost_payments,
        double_charged=audit.double_charged,
    )
