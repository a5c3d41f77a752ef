"""`rush keys rotate` as an operator runs it: a real process over the suite's Postgres.

An old key keeps reading until the rotation; after it the newest key alone reads everything;
a value whose key was removed too early is reported by row and left as it was.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess

import asyncpg
import pytest

from loadtests.bench_processes import bin_path
from rush.config import Settings
from rush.crypto import FieldCipher, UndecryptableField, new_encryption_key
from rush.families.family_file_storage import (
    add_child,
    get_family_file,
    set_tax_payer,
    tax_payer_sin,
)
from rush.families.family_file_types import ChildDetails
from rush.families.key_rotation import encrypted_fields, rotate_encrypted_fields
from tests.support.catalogue_factory import CatalogueFactory

SIN = "130 692 544"
HEALTH_NUMBER = "TREM 2055 0112"


async def _family_with_secrets(
    pool: asyncpg.Pool, catalogue: CatalogueFactory, cipher: FieldCipher
) -> int:
    """A family whose Relevé 24 payer's SIN and child's health number `cipher` wrote."""
    family = await catalogue.family()
    adult: int = await pool.fetchval(
        "SELECT id FROM person WHERE family_id = $1 AND role = 'adult'", family.id
    )
    await set_tax_payer(pool, cipher, family.id, adult, SIN)
    child = ChildDetails(
        first_name="Léa",
        last_name="Tremblay",
        birth_date=dt.date(2020, 5, 1),
        health_insurance_number="trem20550112",
    )
    await add_child(pool, cipher, family.id, child, today=dt.date(2027, 3, 15))
    return family.id


async def _secrets(pool: asyncpg.Pool, cipher: FieldCipher, family_id: int) -> tuple[str, str]:
    sin = await tax_payer_sin(pool, cipher, family_id)
    file = await get_family_file(pool, cipher, family_id)
    [child] = file.children
    health_number = child.details.health_insurance_number
    assert sin is not None
    assert health_number is not None
    return sin, health_number


async def _rush_keys_rotate(
    settings: Settings, keys: list[str]
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUSH_")}
    env |= {
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "RUSH_ENCRYPTION_KEYS": ",".join(keys),
    }
    return await asyncio.to_thread(
        subprocess.run,
        [bin_path("rush"), "keys", "rotate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_an_old_key_reads_until_rotation_then_the_new_key_alone_reads_everything(
    pool: asyncpg.Pool, settings: Settings, catalogue: CatalogueFactory
) -> None:
    [old] = settings.encryption_key_list
    family_id = await _family_with_secrets(pool, catalogue, FieldCipher([old]))
    new = new_encryption_key()
    both = FieldCipher([new, old])
    assert await _secrets(pool, both, family_id) == ("130692544", HEALTH_NUMBER)
    with pytest.raises(UndecryptableField):
        await tax_payer_sin(pool, FieldCipher([new]), family_id)

    rotated = await _rush_keys_rotate(settings, [new, old])

    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    assert "tax_payer.sin_encrypted: 1 re-encrypted, 0 already" in rotated.stdout
    assert "person.health_insurance_number_encrypted: 1 re-encrypted" in rotated.stdout
    assert await _secrets(pool, FieldCipher([new]), family_id) == ("130692544", HEALTH_NUMBER)
    with pytest.raises(UndecryptableField):
        await tax_payer_sin(pool, FieldCipher([old]), family_id)

    again = await _rush_keys_rotate(settings, [new, old])
    assert again.returncode == 0, again.stdout + again.stderr
    assert "tax_payer.sin_encrypted: 0 re-encrypted, 1 already under the newest key" in (
        again.stdout
    )


async def test_a_value_under_a_removed_key_is_reported_by_row_and_left_as_it_was(
    pool: asyncpg.Pool, settings: Settings, catalogue: CatalogueFactory
) -> None:
    [removed] = settings.encryption_key_list
    kept, newest = new_encryption_key(), new_encryption_key()
    orphan = await _family_with_secrets(pool, catalogue, FieldCipher([removed]))
    readable = await _family_with_secrets(pool, catalogue, FieldCipher([kept]))
    token_before = await pool.fetchval(
        "SELECT sin_encrypted FROM tax_payer WHERE family_id = $1", orphan
    )

    rotated = await _rush_keys_rotate(settings, [newest, kept])

    assert rotated.returncode == 1, rotated.stdout + rotated.stderr
    assert "tax_payer.sin_encrypted: 1 re-encrypted, 0 already under the newest key, " in (
        rotated.stdout
    )
    assert "1 unreadable" in rotated.stdout
    assert f"unreadable, left as they are: family {orphan}\n" in rotated.stdout
    assert "2 value(s) written under a key no longer listed" in rotated.stderr
    assert await _secrets(pool, FieldCipher([newest]), readable) == ("130692544", HEALTH_NUMBER)
    token_after = await pool.fetchval(
        "SELECT sin_encrypted FROM tax_payer WHERE family_id = $1", orphan
    )
    assert token_after == token_before
    assert await _secrets(pool, FieldCipher([removed]), orphan) == ("130692544", HEALTH_NUMBER)


async def test_rotation_walks_every_batch(
    pool: asyncpg.Pool, settings: Settings, catalogue: CatalogueFactory
) -> None:
    old = FieldCipher(settings.encryption_key_list)
    families = [await _family_with_secrets(pool, catalogue, old) for _ in range(5)]
    new = new_encryption_key()

    report = await rotate_encrypted_fields(
        pool, FieldCipher([new, *settings.encryption_key_list]), batch_size=2
    )

    assert [(r.rotated, r.already_current, r.unreadable_rows) for r in report.fields] == [
        (5, 0, []),
        (5, 0, []),
    ]
    for family_id in families:
        assert await _secrets(pool, FieldCipher([new]), family_id) == ("130692544", HEALTH_NUMBER)


async def test_every_encrypted_column_is_rotated(pool: asyncpg.Pool) -> None:
    columns = await pool.fetch(
        """SELECT table_name || '.' || column_name AS name FROM information_schema.columns
            WHERE table_schema = 'public' AND column_name LIKE '%\\_encrypted'"""
    )
    assert {row["name"] for row in columns} == {field.column for field in encrypted_fields()}
