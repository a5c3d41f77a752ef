"""`rush keys`: make a new key, and re-encrypt stored secrets under the newest one."""

from __future__ import annotations

import click

from cli.settings import local_settings, run
from rush.crypto import new_encryption_key
from rush.dev.servers import running_servers

__all__ = ["keys"]


@click.group()
def keys() -> None:
    """The signing key and the encryption keys (see the README's production section)."""


@keys.command("new")
def new_key() -> None:
    """Print a fresh random key: an encryption key, or a signing key (any 32+ characters)."""
    click.echo(new_encryption_key())


@keys.command()
@click.pass_context
def rotate(ctx: click.Context) -> None:
    """Re-encrypt every stored SIN and health insurance number under the newest key.

    The newest key is the first of RUSH_ENCRYPTION_KEYS; the others must still be listed
    until this reports nothing unreadable. Safe to run again, and while Rush serves.
    Exits 1 when some value no listed key reads (those rows are left as they are).
    """
    import asyncpg

    from rush.crypto import FieldCipher
    from rush.db import create_pool
    from rush.families.key_rotation import RotationReport, rotate_encrypted_fields

    settings = local_settings()
    cipher = FieldCipher(settings.encryption_key_list)

    async def rotate_all(database_url: str) -> RotationReport:
        pool: asyncpg.Pool = await create_pool(
            database_url, min_size=1, max_size=2, pooler=settings.database_pooler
        )
        try:
            return await rotate_encrypted_fields(pool, cipher)
        finally:
            await pool.close()

    with running_servers(settings.database_url, settings.redis_url, settings.data_dir) as urls:
        report = run(rotate_all(urls.database_url))
    for rotation in report.fields:
        click.echo(
            f"{rotation.encrypted.column}: {rotation.rotated} re-encrypted, "
            f"{rotation.already_current} already under the newest key, "
            f"{len(rotation.unreadable_rows)} unreadable"
        )
        if rotation.unreadable_rows:
            rows = ", ".join(str(row_id) for row_id in rotation.unreadable_rows)
            click.echo(f"  unreadable, left as they are: {rotation.encrypted.row_name} {rows}")
    if report.unreadable:
        click.echo(
            f"{report.unreadable} value(s) written under a key no longer listed: put that key "
            "back at the end of RUSH_ENCRYPTION_KEYS and rotate again",
            err=True,
        )
    ctx.exit(1 if report.unreadable else 0)
