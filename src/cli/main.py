"""The `rush` command group: every command, whatever its family, logs the same way."""

from __future__ import annotations

import click

from cli.bench import bench
from cli.database import audit, migrate, reconcile
from cli.keys import keys
from cli.serving import demo, serve, worker
from cli.staff import staff
from rush.config import load_settings
from web.logs import configure_logging

__all__ = ["main"]


@click.group()
def main() -> None:
    """Rush: a fair, fast and lossless registration morning."""
    # Every command, `serve`, `worker` and `demo` alike: RUSH_LOG_FORMAT=json|text, redacted.
    try:
        configure_logging(load_settings())
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


for command in (demo, serve, worker, migrate, reconcile, audit, bench, staff, keys):
    main.add_command(command)
