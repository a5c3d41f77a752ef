"""The shape the conventions promise: dependencies point one way, Lua and SQL are files."""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path

import pytest

from rush.engine.scripts import EngineScripts, lua_source

RUSH = Path(__file__).resolve().parents[2] / "src" / "rush"
FORBIDDEN = {"litestar", "arq", "web", "workers"}


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", sorted(RUSH.rglob("*.py")), ids=lambda p: p.name)
def test_the_domain_core_imports_no_web_or_worker_code(path: Path) -> None:
    assert not _imported_roots(path) & FORBIDDEN


@pytest.mark.parametrize("name", EngineScripts.__slots__)
def test_every_script_is_a_lua_file_with_a_header(name: str) -> None:
    own = (resources.files("rush.engine") / "lua" / f"{name}.lua").read_text()
    header = own.split("\n\n")[0]
    for part in ("KEYS", "ARGV", "Returns", "Invariant"):
        assert part in header, f"{name}.lua header lacks {part}"
    assert lua_source(name).endswith(own)
