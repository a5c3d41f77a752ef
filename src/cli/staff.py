"""`rush staff add`: the only way staff accounts come to exist outside the demo."""

from __future__ import annotations

import click

from cli.settings import local_settings, run
from rush.dev.servers import running_servers

__all__ = ["staff"]

MIN_STAFF_PASSWORD = 12
"""Staff see every family's file: longer than a family's 10-character minimum."""


@click.group()
def staff() -> None:
    """Staff accounts of the recreation service."""


def _strong_enough(password: str) -> str:
    if len(password) < MIN_STAFF_PASSWORD:
        raise click.BadParameter(f"at least {MIN_STAFF_PASSWORD} characters")
    return password


@staff.command()
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "supervisor"]), required=True)
@click.password_option(
    prompt="Password", callback=lambda _ctx, _param, value: _strong_enough(value)
)
def add(email: str, role: str, password: str) -> None:
    """Create a staff account; the password is asked twice, never shown nor stored clear."""
    from rush.db import create_pool
    from rush.errors import EmailTaken
    from rush.families.accounts import create_staff_account

    async def create(database_url: str) -> None:
        pool = await create_pool(
            database_url, min_size=1, max_size=1, pooler=settings.database_pooler
        )
        try:
            await create_staff_account(pool, email=email, password=password, role=role)
        finally:
            await pool.close()

    settings = local_settings()
    with running_servers(settings.database_url, settings.redis_url, settings.data_dir) as urls:
        try:
            run(create(urls.database_url))
        except EmailTaken:
            raise click.ClickException(f"an account already uses {email}") from None
    click.echo(f"{role} {email} created")
