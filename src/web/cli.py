"""The `rush` command line: demo, serve, worker, migrate, reconcile, audit, bench."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click
import msgspec

from rush.config import Settings, load_settings
from rush.dev.bootstrap import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, prepare
from rush.dev.mail_catcher import start_mail_catcher
from rush.dev.servers import running_servers
from web.logs import configure_logging

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
    # Every command, `serve`, `worker` and `demo` alike: RUSH_LOG_FORMAT=json|text, redacted.
    configure_logging(load_settings())


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
    """Run one arq worker against DATABASE_URL and REDIS_URL; start as many as needed.

    It outlives Redis restarts: when Redis drops it, it starts again once Redis is back."""
    from web.processes import run_worker

    run_worker(_external_settings())


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


@main.command()
@click.option("--sale", "sale_id", type=int, default=None, help="Audit one sale (default: all).")
@click.option("--database-url", default="", help="PostgreSQL URL (default: DATABASE_URL).")
@click.option("--redis-url", default="", help="Redis URL (default: REDIS_URL).")
@click.pass_context
def audit(ctx: click.Context, sale_id: int | None, database_url: str, redis_url: str) -> None:
    """Check that nothing was oversold, lost, charged twice, drifted or unfair; exit 1 if so.

    Reads only: `rush reconcile` repairs drift. Without URLs it audits the embedded servers of
    the data dir, or those of a running `rush demo`. The last line printed is JSON.
    """
    import asyncpg

    from rush.ops.audit import audit_servers
    from rush.ops.audit_table import audit_lines

    settings = _settings()
    with running_servers(
        database_url or settings.database_url, redis_url or settings.redis_url, settings.data_dir
    ) as urls:
        try:
            report = run(
                audit_servers(_with_urls(settings, urls.database_url, urls.redis_url), sale_id)
            )
        except asyncpg.UndefinedTableError as exc:
            raise click.ClickException(
                f"no Rush schema there ({exc}): run `rush migrate`"
            ) from None
    for line in audit_lines(report):
        click.echo(line)
    ctx.exit(0 if report.clean else 1)


@main.group()
def bench() -> None:
    """Benchmarks that print figures and a last JSON line."""


@bench.command("engine")
@click.option("--seconds", type=float, default=10.0, help="Duration of each measured phase.")
@click.option("--concurrency", type=int, default=64, help="Concurrent clients.")
def bench_engine(seconds: float, concurrency: int) -> None:
    """Redis holds/s against the classic Postgres hold, same run, same concurrency."""
    from rush.dev.bench.engine import run_engine_bench

    settings = _settings()
    with running_servers(settings.database_url, settings.redis_url, None) as urls:
        run(run_engine_bench(urls.database_url, urls.redis_url, seconds, concurrency))


@bench.command("rush")
@click.option("--families", type=int, default=2000, help="Families in the generated trace.")
@click.option("--web-processes", type=int, default=2, help="Web processes (uvicorn workers).")
@click.option("--workers", type=int, default=1, help="arq worker processes.")
@click.option("--speed", type=float, default=30.0, help="Trace seconds per real second.")
@click.option("--seed", type=int, default=1, help="Seed of the trace.")
@click.option("--ceiling-seconds", type=float, default=10.0, help="Length of each ceiling phase.")
@click.option("--ceiling-users", type=int, default=None, help="Default: the rush's peak.")
@click.option("--profile-dir", type=click.Path(path_type=Path), default=None, help="py-spy.")
def bench_rush(
    families: int,
    web_processes: int,
    workers: int,
    speed: float,
    seed: int,
    ceiling_seconds: float,
    ceiling_users: int | None,
    profile_dir: Path | None,
) -> None:
    """An opening morning on K web processes and W workers, audited, against the trivial
    endpoint of the same app in the same run (needs the repository's loadtests/)."""
    from loadtests.bench_rush import RushBenchOptions, run_rush_bench

    options = RushBenchOptions(
        families=families,
        web_processes=web_processes,
        workers=workers,
        speed=speed,
        seed=seed,
        ceiling_seconds=ceiling_seconds,
        ceiling_users=ceiling_users,
        profile_dir=profile_dir,
    )
    with contextlib.suppress(KeyboardInterrupt):
        run_rush_bench(options, runner=run)
