"""The pages' catalogs cover every string the templates and web code ask for, in French too."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "src" / "web"
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]


def _extracted_ids() -> set[str]:
    ids = set()
    for _, _, message, _, _ in extract_from_dir(str(WEB), method_map=METHODS):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def _catalog(path: Path) -> dict[str, object]:
    """Message ids and their translations; a fuzzy guess counts as no translation."""
    with path.open("rb") as source:
        catalog = read_po(source)
    return {
        (m.id[0] if isinstance(m.id, tuple) else m.id): "" if m.fuzzy else m.string
        for m in catalog
        if m.id
    }


def test_every_page_string_is_in_the_catalogs() -> None:
    wanted = _extracted_ids()
    assert wanted, "no page string found: is the extraction pattern right?"
    for catalog in ("fr_CA", "en"):
        known = _catalog(WEB / "i18n" / catalog / "LC_MESSAGES" / "web.po")
        assert wanted <= set(known), f"{catalog}: run the pybabel steps of src/web/i18n/README.md"


def test_every_page_string_has_a_french_translation() -> None:
    french = _catalog(WEB / "i18n" / "fr_CA" / "LC_MESSAGES" / "web.po")
    untranslated = [
        msgid
        for msgid, text in french.items()
        if not text or (isinstance(text, tuple) and not all(text))
    ]
    assert untranslated == []
