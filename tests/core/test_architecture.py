"""The shape the conventions promise: dependencies point one way, no new cycle between rush's
packages, Lua and SQL are files."""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from rush.engine.scripts import EngineScripts, lua_source

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
RUSH = SRC / "rush"
PACKAGES = {
    "rush": RUSH,
    "web": SRC / "web",
    "workers": ROOT / "workers",
    "loadtests": ROOT / "loadtests",
    "cli": SRC / "cli",
}
FORBIDDEN = {
    "rush": {"litestar", "arq", "web", "workers", "cli", "loadtests"},
    "web": {"workers", "cli", "loadtests"},
    "workers": {"web", "cli", "loadtests"},
    "loadtests": {"cli"},
    # The command line sits on top: it starts the web app, the workers and the benchmarks.
    "cli": set(),
}

# Package imports of src/rush that close the cycles present when this test was written. Each
# one is allowed, not wanted: removing one that no longer closes a cycle is required (see
# test_the_cycle_allow_list_holds_only_imports_still_on_a_cycle), adding one is a new cycle.
ALLOWED_CYCLE_IMPORTS: dict[tuple[str, str], str] = {
    ("catalogue", "families"): "eligibility requires an approved family and the family's person",
    ("catalogue", "ops"): "catalogue admin writes each change to the staff log",
    ("catalogue", "room"): "catalogue admin prepares a sale's waiting room when it edits the sale",
    ("documents", "families"): "family documents read the family's person, file and order refs",
    ("families", "documents"): "a family's records list its childcare expense statements",
    ("families", "ops"): "family approvals write the staff log",
    ("families", "purchase"): "a family's records list its waitlist entries",
    ("ops", "catalogue"): "the dashboard reads catalogue groups; exports compute ages",
    ("ops", "room"): "the dashboard reads room stats; the audit checks fairness",
    ("ops", "services"): "the dashboard is built from Services",
    ("purchase", "catalogue"): "carts check eligibility with the catalogue's one rule",
    ("purchase", "ops"): "staff cancellations write the staff log, as catalogue admin does",
    ("purchase", "services"): "checkout, orders, cancellations and the waitlist take Services",
    ("room", "families"): "admission requires an approved family",
    ("room", "ops"): "the self-pacer writes its pace changes to the staff log",
    ("room", "services"): "the self-pacer runs on Services",
    ("services", "catalogue"): "Services holds the catalogue readings",
    ("services", "purchase"): "Services holds the carts and the payment provider",
    ("services", "room"): "Services holds the waiting room, tickets, tokens and snapshots",
}


def _imported_roots(path: Path) -> set[str]:
    """Every absolute import of the file, function-level ones too: a lazy import still
    makes the package depend on what it imports."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


SOURCES = {path: name for name, folder in PACKAGES.items() for path in folder.rglob("*.py")}


@pytest.mark.parametrize("path", sorted(SOURCES), ids=lambda path: str(path.relative_to(ROOT)))
def test_imports_point_one_way_between_top_level_packages(path: Path) -> None:
    assert not _imported_roots(path) & FORBIDDEN[SOURCES[path]]


def test_every_package_the_wheel_ships_has_import_rules() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    shipped = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert {ROOT / folder for folder in shipped} == set(PACKAGES.values())
    assert set(FORBIDDEN) == set(PACKAGES)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


RUSH_MODULES = {_module_name(path): path for path in RUSH.rglob("*.py")}


def _module_level_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Imports run when the module loads (under `if` and `try` too), not those in functions."""
    statements: list[ast.stmt] = list(tree.body)
    while statements:
        node = statements.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        for block in ("body", "orelse", "finalbody", "handlers"):
            statements.extend(getattr(node, block, []))


def _imported_modules(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> set[str]:
    """The modules an import loads: `from x import y` is the module x.y when y is one."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - node.level + 1]
        source = ".".join([*base, node.module] if node.module else base)
    else:
        source = node.module or ""
    names = {f"{source}.{alias.name}" for alias in node.names}
    return {name if name in RUSH_MODULES else source for name in names}


def _rush_imports(module: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    is_package = path.name == "__init__.py"
    found = set()
    for node in _module_level_imports(tree):
        found |= _imported_modules(module, is_package, node)
    return {name for name in found if name.split(".")[0] == "rush"}


def _rush_package(module: str) -> str:
    """engine for rush.engine.holds, services for the top-level module rush.services."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "rush"


def _package_imports() -> dict[tuple[str, str], set[str]]:
    """Each import from one rush package to another, with the module imports behind it."""
    edges: dict[tuple[str, str], set[str]] = {}
    for module, path in RUSH_MODULES.items():
        for imported in _rush_imports(module, path):
            edge = (_rush_package(module), _rush_package(imported))
            if edge[0] != edge[1]:
                edges.setdefault(edge, set()).add(f"{module} -> {imported}")
    return edges


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in graph.get(todo.pop(), set()) - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


def _imports_on_a_cycle(edges: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """An import a -> b closes a cycle when b leads back to a."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    return {(a, b) for a, b in edges if a in _reachable(graph, b)}


def test_the_import_graph_resolves_submodules_and_skips_function_imports() -> None:
    source = (
        "from rush.engine import holds, HoldEngine\n"
        "import rush.room.sales\n"
        "from . import keys\n"
        "from .. import services\n"
        "if True:\n"
        "    from rush.catalogue.reading import catalogue_groups\n"
        "def later():\n"
        "    import rush.ops.audit\n"
    )
    found = set()
    for node in _module_level_imports(ast.parse(source)):
        found |= _imported_modules("rush.engine.reconcile", False, node)
    assert found == {
        "rush.engine.holds",
        "rush.engine",
        "rush.room.sales",
        "rush.engine.keys",
        "rush.services",
        "rush.catalogue.reading",
    }
    assert _imports_on_a_cycle({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == {
        ("a", "b"),
        ("b", "c"),
        ("c", "a"),
    }


def test_no_new_import_cycle_between_rush_packages() -> None:
    edges = _package_imports()
    new = _imports_on_a_cycle(set(edges)) - set(ALLOWED_CYCLE_IMPORTS)
    assert not new, "new cycle through: " + "; ".join(
        f"{a} -> {b} ({', '.join(sorted(edges[a, b]))})" for a, b in sorted(new)
    )


def test_the_cycle_allow_list_holds_only_imports_still_on_a_cycle() -> None:
    stale = set(ALLOWED_CYCLE_IMPORTS) - _imports_on_a_cycle(set(_package_imports()))
    assert not stale, f"no longer on a cycle, remove from ALLOWED_CYCLE_IMPORTS: {sorted(stale)}"


@pytest.mark.parametrize("name", EngineScripts.__slots__)
def test_every_script_is_a_lua_file_with_a_header(name: str) -> None:
    own = (resources.files("rush.engine") / "lua" / f"{name}.lua").read_text()
    header = own.split("\n\n")[0]
    for part in ("KEYS", "ARGV", "Returns", "Invariant"):
        assert part in header, f"{name}.lua header lacks {part}"
    assert lua_source(name).endswith(own)


def _builds_a_redis_client(path: Path) -> list[str]:
    """`Redis.from_url(...)`, `Redis(...)`, `RedisCluster...(...)` calls in `path`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.value if isinstance(func, ast.Attribute) else func
        if isinstance(name, ast.Name) and name.id in ("Redis", "RedisCluster"):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_redis_client_of_the_product_comes_from_the_one_factory() -> None:
    """A cluster URL must work everywhere: only `rush.redis_clients` builds clients (the dev
    cluster builder talks to its own nodes, and the web app's arq client takes a pool the
    settings bound)."""
    allowed = {RUSH / "redis_clients.py", RUSH / "dev" / "valkey_cluster.py"}
    builders = [
        place
        for root in PACKAGES.values()
        for path in sorted(root.rglob("*.py"))
        if path not in allowed
        for place in _builds_a_redis_client(path)
    ]
    assert builders == []
