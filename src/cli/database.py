"""Commands that prepare and check the servers' data: migrate, reconcile, audit."""

from __future__ import annotations

import click

from cli.settings import local_settings, run, with_urls
from rush.dev.bootstrap import prepare
from rush.dev.servers import running_servers

__all__ = ["audit", "migrate", "reconcile", "report_drifts"]


def report_drifts(drifts: list) -> None:  # type: ignore[type-arg]
    """One line per group whose Redis counts reconcile repaired from Postgres."""
    if not drifts:
        click.echo("reconcile: Redis matched Postgres, nothing to repair")
    for drift in drifts:
        for group in drift.groups:
            click.echo(
                f"reconcile: program {drift.program_id} group {group.group_id}: "
                f"capacity {group.capacity[0]}->{group.capacity[1]} "
                f"paid {group.paid[0]}->{group.paid[1]} held {group.held[0]}->{group.held[1]}"
            )


@click.command()
@click.option("--seed/--no-seed", default=False, help="Also seed the demo season.")
def migrate(seed: bool) -> None:
    """Apply pending migrations (embedded servers under the data dir when no URL is set)."""
    settings = local_settings()
    with running_servers(settings.database_url, settings.redis_url, settings.data_dir) as urls:
        applied, seeded, _ = run(
            prepare(urls.database_url, urls.redis_url, seed=seed, pooler=settings.database_pooler)
        )
    click.echo(f"migrations applied: {', '.join(applied) or 'none (up to date)'}")
    if seeded:
        click.echo("demo season seeded")


@click.command()
def reconcile() -> None:
    """Rebuild capacities and paid counts in Redis from Postgres and report any drift."""
    settings = local_settings()
    with running_servers(settings.database_url, settings.redis_url, settings.data_dir) as urls:
        _, _, drifts = run(
            prepare(urls.database_url, urls.redis_url, seed=False, pooler=settings.database_pooler)
        )
    report_drifts(drifts)


@click.command()
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

    settings = local_settings()
    with running_servers(
        database_url or settings.database_url, redis_url or settings.redis_url, settings.data_dir
    ) as urls:
        try:
            report = run(
                audit_servers(with_urls(settings, urls.database_url, urls.redis_url), sale_id)
            )
        except asyncpg.UndefinedTableError as exc:
            raise click.ClickException(
                f"no Rush schema there ({exc}): run `rush migrate`"
            ) from None
    for line in audit_lines(report):
        click.echo(line)
    ctx.exit(0 if report.clean else 1)
