"""Re-encrypting every stored secret of the family file under the newest encryption key.

Once a new key is put first in `RUSH_ENCRYPTION_KEYS`, new data is written under it but old
tokens still need the old keys; this rewrites them so the old keys can go. It walks each
encrypted column by primary key, one transaction per batch (rows locked, so a parent's save
is never overwritten), skips tokens the newest key already reads (a second run writes
nothing), and leaves a token no configured key reads as it is, reporting its row: removing a
key too early must be visible, never a silent loss.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg

from rush.crypto import FieldCipher, UndecryptableField
from rush.db import query

__all__ = [
    "EncryptedField",
    "FieldRotation",
    "RotationReport",
    "encrypted_fields",
    "rotate_encrypted_fields",
]

ROTATION_BATCH_SIZE = 500


@dataclass(frozen=True, slots=True)
class EncryptedField:
    """A column holding Fernet tokens, and the rows that identify its values."""

    column: str
    """`table.column`, as reports name it."""
    row_name: str
    """What a row's id is: `family` for the tax payer's SIN, `person` for a child."""
    batch_sql: str
    """Locks and reads (row_id, token) after $1, at most $2 rows, in id order."""
    update_sql: str
    """Writes token $2 to row $1."""


def encrypted_fields() -> tuple[EncryptedField, ...]:
    """Every encrypted column; a test fails when a `*_encrypted` column is missing here."""
    return (
        EncryptedField(
            "tax_payer.sin_encrypted",
            "family",
            query("rotation_sin_batch"),
            query("rotation_sin_update"),
        ),
        EncryptedField(
            "person.health_insurance_number_encrypted",
            "person",
            query("rotation_health_number_batch"),
            query("rotation_health_number_update"),
        ),
    )


@dataclass(slots=True)
class FieldRotation:
    encrypted: EncryptedField
    rotated: int = 0
    already_current: int = 0
    unreadable_rows: list[int] = field(default_factory=list)
    """Ids of rows no configured key reads: left untouched."""


@dataclass(frozen=True, slots=True)
class RotationReport:
    fields: list[FieldRotation]

    @property
    def unreadable(self) -> int:
        return sum(len(rotation.unreadable_rows) for rotation in self.fields)


async def _rotate_batch(
    pool: asyncpg.Pool, cipher: FieldCipher, rotation: FieldRotation, after_id: int, size: int
) -> int | None:
    """Rotate one batch in one transaction; the last row id seen, or None when done."""
    async with pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch(rotation.encrypted.batch_sql, after_id, size)
        for row in rows:
            token = bytes(row["token"])
            if cipher.is_current(token):
                rotation.already_current += 1
                continue
            try:
                rotated = cipher.rotate(token)
            except UndecryptableField:
                rotation.unreadable_rows.append(row["row_id"])
                continue
            await conn.execute(rotation.encrypted.update_sql, row["row_id"], rotated)
            rotation.rotated += 1
    return rows[-1]["row_id"] if rows else None


async def rotate_encrypted_fields(
    pool: asyncpg.Pool, cipher: FieldCipher, batch_size: int = ROTATION_BATCH_SIZE
) -> RotationReport:
    """Re-encrypt every stored token under `cipher`'s newest key; count what was done."""
    report = RotationReport([FieldRotation(encrypted) for encrypted in encrypted_fields()])
    for rotation in report.fields:
        after_id: int | None = 0
        while after_id is not None:
            after_id = await _rotate_batch(pool, cipher, rotation, after_id, batch_size)
    return report
