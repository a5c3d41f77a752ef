"""Running Rush's long-lived processes: the web server and the arq worker."""

from __future__ import annotations

import asyncio
import contextlib

import uvicorn
from arq.connections import RedisSettings
from arq.worker import Worker

from rush.config import Settings
from web.app import create_app
from workers.settings import WorkerSettings

__all__ = ["build_worker", "serve_web", "serve_web_and_worker"]


def build_worker(
    settings: Settings, handle_signals: bool = True, burst: bool = False, job_timeout_s: int = 300
) -> Worker:
    """A worker; in `burst` mode (tests) it drains the queue and stops, without crons.

    A job whose worker died stays claimed for `job_timeout_s` + 10 s, then another worker
    runs it again (arq's in-progress key): the fault tests shorten it to see the retry.
    """
    return Worker(
        functions=WorkerSettings.functions,
        cron_jobs=None if burst else WorkerSettings.cron_jobs,
        on_startup=WorkerSettings.on_startup,
        on_shutdown=WorkerSettings.on_shutdown,
        redis_settings=RedisSettings.from_dsn(settings.redis_url),
        handle_signals=handle_signals,
        burst=burst,
        poll_delay=0 if burst else 0.5,
        job_timeout=job_timeout_s,
        ctx={"settings": settings},
    )


def _uvicorn_server(settings: Settings) -> uvicorn.Server:
    # No log_config: uvicorn's records go to the root handler `web.logs` set up (JSON or
    # text, redacted); no access log, `web.request_log` writes one line per request.
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        log_config=None,
        access_log=False,
    )
    return uvicorn.Server(config)


async def serve_web(settings: Settings) -> None:
    await _uvicorn_server(settings).serve()


async def serve_web_and_worker(settings: Settings) -> None:
    """Serve the app and one worker in this process until Ctrl-C stops the web server."""
    worker = build_worker(settings, handle_signals=False)
    worker_task = asyncio.create_task(worker.async_run())
    try:
        await _uvicorn_server(settings).serve()
    finally:
        worker_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker_task
        await worker.close()
