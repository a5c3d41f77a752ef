"""Running Rush's long-lived processes: the web server and the arq worker."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
import time
from collections.abc import Iterator
from multiprocessing.process import BaseProcess

import uvicorn
from arq.connections import RedisSettings
from arq.worker import Worker
from redis.exceptions import WatchError

from cli.stopping import sigterm_as_ctrl_c, until_stopped
from rush.config import Settings
from rush.load_shedding import ShedThresholds
from rush.outages import SERVERS_AWAY
from web.app import create_app
from web.logs import configure_logging
from workers.settings import WorkerSettings

__all__ = ["build_worker", "run_worker", "serve_web", "web_server", "worker_process"]

log = logging.getLogger("rush.workers")

_WORKER_LOST_ITS_SERVERS: tuple[type[Exception], ...] = (
    *SERVERS_AWAY,
    # arq polls inside a WATCH pipeline: a connection dropped there surfaces as a WatchError,
    # which elsewhere means a lost race, not a server away.
    WatchError,
)
JOB_COMPLETION_WAIT_S = 10
"""On SIGTERM or Ctrl-C a worker takes no new job and gives its running ones this long to
finish; arq then cancels the rest, which stay queued and are run again by the next worker.
Jobs take well under a second; compose.yaml gives the worker a 20 s stop grace."""
WEB_STOP_GRACE_S = 10
"""On SIGTERM or Ctrl-C uvicorn stops accepting and lets requests in flight finish, for at
most this long: an open dashboard stream (SSE) never finishes on its own."""
WORKER_STOP_GRACE_S = 30
"""How long `rush demo` waits for its worker process to stop before killing it."""
POLL_DELAY_S = 0.05
"""How often an idle worker looks for jobs: arq's 0.5 s was most of the payment-to-registration
lag; one cheap Redis read every 50 ms per worker is nothing beside a rush."""
JOB_TIMEOUT_S = 60
"""Every job (finalize, an email with its PDF, a webhook) takes well under a second; arq's
300 s default kept a killed worker's finalize claimed for five minutes before a retry."""


def build_worker(
    settings: Settings,
    handle_signals: bool = True,
    burst: bool = False,
    job_timeout_s: int = JOB_TIMEOUT_S,
) -> Worker:
    """A worker; in `burst` mode (tests) it drains the queue and stops, without crons.

    With `handle_signals`, SIGTERM and SIGINT stop it the same way: running jobs get
    `JOB_COMPLETION_WAIT_S` to finish, the others are retried (arq's own handling).

    A job whose worker died stays claimed for `job_timeout_s` + 10 s, then another worker
    runs it again (arq's in-progress key): the fault tests shorten it to see the retry.
    """
    return Worker(
        functions=WorkerSettings.functions,
        cron_jobs=None if burst else WorkerSettings.cron_jobs,
        on_startup=WorkerSettings.on_startup,
        on_shutdown=WorkerSettings.on_shutdown,
        redis_settings=RedisSettings.from_dsn(settings.jobs_redis_address),
        handle_signals=handle_signals,
        job_completion_wait=JOB_COMPLETION_WAIT_S if handle_signals else 0,
        burst=burst,
        poll_delay=0 if burst else POLL_DELAY_S,
        job_timeout=job_timeout_s,
        # A burst worker (the tests) leaves the simulator's charge webhooks to its caller, who
        # posts them through the app: nothing listens at the tests' public URL.
        ctx={"settings": settings, "post_simulated_webhooks": not burst},
    )


def run_worker(
    settings: Settings, job_timeout_s: int = JOB_TIMEOUT_S, restart_after_s: float = 1.0
) -> None:
    """Run one worker until a signal stops it, starting it again whenever a server drops it.

    arq's worker exits when its Redis connection fails. Without this loop a Redis restart
    left every worker dead, and every payment after it recorded at the provider but never
    delivered nor finalized (the Redis fault test found it). Jobs the lost worker was
    running stay claimed in Redis and are retried once their claim expires.
    """
    while True:
        worker = build_worker(settings, job_timeout_s=job_timeout_s)
        try:
            worker.run()
            return
        except _WORKER_LOST_ITS_SERVERS as exc:
            log.warning("worker lost a server (%r)", exc)
        _hand_signals_back(worker)
        services = worker.ctx.get("services")
        if services is not None:  # arq's close() stopped at Redis, before on_shutdown
            with contextlib.suppress(Exception):
                worker.loop.run_until_complete(services.close())
        if not worker.allow_pick_jobs:  # arq's mark of a stop asked for: Redis went during it
            return
        log.warning("worker starting again in %.0f s", restart_after_s)
        time.sleep(restart_after_s)


def _hand_signals_back(worker: Worker) -> None:
    """Take back SIGINT and SIGTERM from a worker that stopped without being asked to.

    arq's handlers stay on its loop after it stops, and that loop no longer runs: a stop
    asked for while waiting to start again would be swallowed, and the worker would never
    stop. Back with Python, either one raises KeyboardInterrupt.
    """
    for signum in (signal.SIGINT, signal.SIGTERM):
        worker.loop.remove_signal_handler(signum)
    sigterm_as_ctrl_c()


def web_server(settings: Settings) -> uvicorn.Server:
    """The app under uvicorn, trusting `X-Forwarded-For` only from the configured proxies."""
    # No log_config: uvicorn's records go to the root handler `web.logs` set up (JSON or
    # text, redacted); no access log, `web.request_log` writes one line per request.
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        log_config=None,
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxy_list,
        timeout_graceful_shutdown=WEB_STOP_GRACE_S,
        timeout_keep_alive=ShedThresholds.from_settings(settings).idle_connection_s,
    )
    return uvicorn.Server(config)


async def serve_web(settings: Settings) -> None:
    """Serve the app until SIGTERM or Ctrl-C; requests in flight finish first (uvicorn)."""
    await web_server(settings).serve()


def _worker_process(settings: Settings) -> None:
    configure_logging(settings)
    with until_stopped():
        run_worker(settings)


@contextlib.contextmanager
def worker_process(settings: Settings) -> Iterator[BaseProcess]:
    """One worker in a process of its own while the block runs; stopped and waited for after.

    Sharing one event loop, the worker's crons and finalize jobs held up families' requests
    during a replayed rush (60 s timeouts on a two-core machine); apart, both cores work.
    The worker is stopped with SIGTERM, as a process manager would: its running jobs finish
    or are retried, then it exits; one still there after `WORKER_STOP_GRACE_S` is killed.
    """
    worker = multiprocessing.get_context("spawn").Process(
        target=_worker_process, args=(settings,), name="rush-worker"
    )
    worker.start()
    try:
        yield worker
    finally:
        worker.terminate()
        worker.join(WORKER_STOP_GRACE_S)
        if worker.is_alive():
            worker.kill()
            worker.join()
