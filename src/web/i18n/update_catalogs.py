"""Refresh both gettext domains (pages: `web`; domain errors and emails: `rush`) and fill in
French translations given as JSON.

Usage (from the repository root; several people may run it at once, a lock file serialises them):

    uv run python src/web/i18n/update_catalogs.py translations.json

`translations.json` maps each new English msgid to its French text (a list of two strings for a
plural). The English catalog copies the msgid. Entries already translated are left alone; ids
missing from the JSON stay untranslated, so the catalog test names them.
"""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[3]
I18N = ROOT / "src" / "web" / "i18n"
RUSH_LOCALE = ROOT / "src" / "rush" / "locale"
LOCK = Path("/tmp/rush-web-i18n.lock")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=ROOT, check=True)


def _fill(
    catalog_path: Path, translations: dict[str, str | list[str]], english: bool, width: int
) -> None:
    with catalog_path.open("rb") as source:
        catalog: Catalog = read_po(source)
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        done = all(message.string) if isinstance(message.string, tuple) else bool(message.string)
        if done and not message.fuzzy:
            continue
        if english:
            message.string = message.id
        elif key in translations:
            text = translations[key]
            message.string = tuple(text) if isinstance(text, list) else text
        else:
            continue
        message.flags.discard("fuzzy")
    with catalog_path.open("wb") as target:
        write_po(target, catalog, width=width)


def main(argv: list[str]) -> None:
    translations = json.loads(Path(argv[0]).read_text()) if argv else {}
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _pybabel(
            "extract",
            "-F",
            "babel.cfg",
            "--project=rush",
            "--no-location",
            "--sort-output",
            "-o",
            str(I18N / "web.pot"),
            ".",
        )
        _pybabel(
            "update",
            "--no-fuzzy-matching",
            "-D",
            "web",
            "-i",
            str(I18N / "web.pot"),
            "-d",
            str(I18N),
        )
        _pybabel(
            "extract",
            "--project=rush",
            "--no-location",
            "--sort-output",
            "-k",
            "gettext:2",
            "-k",
            "N_plural:2,3",
            "-o",
            str(RUSH_LOCALE / "rush.pot"),
            "src/rush",
        )
        _pybabel(
            "update", "-D", "rush", "-i", str(RUSH_LOCALE / "rush.pot"), "-d", str(RUSH_LOCALE)
        )
        # Each domain keeps the line width its files were written with, so diffs stay small.
        for folder, domain, width in ((I18N, "web", 100), (RUSH_LOCALE, "rush", 76)):
            for locale, english in (("fr_CA", False), ("en", True)):
                path = folder / locale / "LC_MESSAGES" / f"{domain}.po"
                _fill(path, translations, english=english, width=width)


if __name__ == "__main__":
    main(sys.argv[1:])
