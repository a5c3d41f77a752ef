"""Commands that start Rush's long-lived processes: demo, serve, worker."""

from __future__ import annotations

from pathlib import Path

import click
import msgspec

from cli.database import report_drifts
from cli.settings import external_settings, local_settings, run, with_urls
from cli.stopping import until_stopped
from rush.config import Settings
from rush.dev.bootstrap import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, prepare
from rush.dev.mail_catcher import start_mail_catcher
from rush.dev.servers import running_servers

__all__ = ["demo", "serve", "worker"]


@click.command()
@click.option(
    "--data-dir", type=click.Path(path_type=Path), default=None, help="Where demo data lives."
)
@click.option("--port", type=int, default=None, help="HTTP port (default 8000).")
def demo(data_dir: Path | None, port: int | None) -> None:
    """Start embedded servers, migrate, seed a demo season, serve the app and a worker.

    Always in development: the simulated provider, the demo admin and plain http. Ctrl-C and
    SIGTERM stop it alike: requests and jobs in flight finish, then the worker, the mail
    catcher and the embedded servers stop, and it exits 0.
    """
    settings = msgspec.structs.replace(local_settings(data_dir, port), env="development")
    with until_stopped():
        _run_demo(settings)
    click.echo("Rush demo stopped; data kept in " + str(settings.data_dir))


def _run_demo(settings: Settings) -> None:
    from cli.processes import serve_web, worker_process

    with (
        running_servers(settings.database_url, settings.redis_url, settings.data_dir) as urls,
        start_mail_catcher(settings.data_dir.resolve() / "mail") as catcher,
    ):
        base = f"http://{settings.host}:{settings.port}"
        settings = msgspec.structs.replace(
            with_urls(settings, urls.database_url, urls.redis_url),
            smtp_host=catcher.host,
            smtp_port=catcher.port,
            public_base_url=settings.public_base_url or base,
        )
        applied, seeded, drifts = run(
            prepare(
                urls.database_url,
                urls.redis_url,
                seed=True,
                demo_admin=True,
                pooler=settings.database_pooler,
            )
        )
        click.echo(f"migrations applied: {', '.join(applied) or 'none (up to date)'}")
        click.echo("demo season seeded" if seeded else "demo season already present")
        report_drifts(drifts)
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
        with worker_process(settings):
            run(serve_web(settings))


@click.command()
@click.option("--port", type=int, default=None)
def serve(port: int | None) -> None:
    """Serve the web app alone, against DATABASE_URL and REDIS_URL (one of many processes).

    Ctrl-C and SIGTERM stop it alike: it takes no new connection, lets requests in flight
    finish, and exits 0."""
    from cli.processes import serve_web

    settings = external_settings()
    if port is not None:
        settings = msgspec.structs.replace(settings, port=port)
    with until_stopped():
        run(serve_web(settings))


@click.command()
def worker() -> None:
    """Run one arq worker against DATABASE_URL and REDIS_URL; start as many as needed.

    It outlives Redis restarts: when Redis drops it, it starts again once Redis is back.
    Ctrl-C and SIGTERM stop it alike: running jobs finish or are left queued for another
    worker, and it exits 0."""
    from cli.processes import run_worker

    settings = external_settings()
    with until_stopped():
        run_worker(settings)
