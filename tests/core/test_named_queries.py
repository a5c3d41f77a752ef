"""Named queries: every name the code asks for is defined once, and every name defined is used."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from loadtests.queries import LOADTEST_QUERIES
from rush.db import RUSH_QUERIES, NamedQueries, QueryFileError, UnknownQuery
from rush.named_queries import parse_named_queries

ROOT = Path(__file__).resolve().parents[2]
CODE = ("src", "workers", "loadtests")
BOOKS = {"rush": RUSH_QUERIES, "loadtests": LOADTEST_QUERIES}
NAME_ARGUMENT = {"query": 0, "inserted": 1, "_one": 1}
"""Every helper that takes a query name (`rush.db.query`, `rush.db.inserted`, and the catalogue
admin's `_one`), with the position of that name among its arguments."""

UsedNames = dict[tuple[str, str], set[str]]


def _book_of_query(tree: ast.Module) -> str:
    """Which `query` a module calls: the load tests' own, or rush's."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "loadtests.queries"
            and any(alias.name == "query" for alias in node.names)
        ):
            return "loadtests"
    return "rush"


def _helper(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _names_used(folders: tuple[str, ...]) -> UsedNames:
    """(book, query name) -> the files that name it in a call to a helper taking a query name."""
    used: UsedNames = defaultdict(set)
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == Path(__file__).resolve():
                continue
            tree = ast.parse(path.read_text())
            query_book = _book_of_query(tree)
            for call in (node for node in ast.walk(tree) if isinstance(node, ast.Call)):
                helper = _helper(call)
                if helper not in NAME_ARGUMENT or len(call.args) <= NAME_ARGUMENT[helper]:
                    continue
                argument = call.args[NAME_ARGUMENT[helper]]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    book = query_book if helper == "query" else "rush"
                    used[book, argument.value].add(str(path.relative_to(ROOT)))
    return used


@pytest.fixture(scope="module")
def used_in_code() -> UsedNames:
    return _names_used(CODE)


def test_every_query_name_the_code_and_tests_use_is_defined(used_in_code: UsedNames) -> None:
    used = {**_names_used(("tests",)), **used_in_code}
    assert len(used) > 150, "the scan no longer finds the calls that name queries"
    missing = {
        f"{book}:{name} (in {', '.join(sorted(files))})"
        for (book, name), files in used.items()
        if name not in BOOKS[book].sources()
    }
    assert not missing


@pytest.mark.parametrize("book", sorted(BOOKS))
def test_every_defined_query_is_used_by_the_code(book: str, used_in_code: UsedNames) -> None:
    unused = {
        f"{name} (in {source})"
        for name, source in BOOKS[book].sources().items()
        if (book, name) not in used_in_code
    }
    assert not unused


def test_migrations_and_the_seed_are_scripts_not_named_queries() -> None:
    sources = set(RUSH_QUERIES.sources().values())
    assert "db.sql" in sources
    assert not {s for s in sources if s.startswith(("sql/migrations/", "sql/seeds/"))}


def test_a_query_keeps_the_comments_that_follow_its_name() -> None:
    text = (
        "-- Queries of the carts.\n\n"
        "-- name: lock_cart\n-- Locked so two tabs wait for each other.\n"
        "SELECT id FROM cart WHERE id = $1 FOR UPDATE;\n\n"
        "-- name: cart_items\nSELECT id FROM cart_item WHERE cart_id = $1;\n"
    )
    assert parse_named_queries(text, "carts.sql") == {
        "lock_cart": "-- Locked so two tabs wait for each other.\n"
        "SELECT id FROM cart WHERE id = $1 FOR UPDATE;\n",
        "cart_items": "SELECT id FROM cart_item WHERE cart_id = $1;\n",
    }


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("SELECT 1;\n-- name: one\nSELECT 1;\n", "before the first"),
        ("-- name: one\nSELECT 1;\n-- name: one\nSELECT 2;\n", "defined twice"),
        ("-- name: one\n-- only a comment\n", "has no SQL"),
        ("-- name: Not a name\nSELECT 1;\n", "not a query name"),
    ],
)
def test_a_file_that_does_not_split_into_named_queries_is_refused(text: str, problem: str) -> None:
    with pytest.raises(QueryFileError, match=problem):
        parse_named_queries(text, "broken.sql")


def test_a_name_defined_in_two_files_fails_loudly(tmp_path: Path) -> None:
    (tmp_path / "carts.sql").write_text("-- name: cart_open\nSELECT 1;\n")
    (tmp_path / "orders").mkdir()
    (tmp_path / "orders" / "checkout.sql").write_text("-- name: cart_open\nSELECT 2;\n")
    with pytest.raises(QueryFileError, match=r"carts\.sql and orders/checkout\.sql"):
        NamedQueries(tmp_path, book="test")("cart_open")


def test_an_unknown_name_raises_a_key_error_that_names_it(tmp_path: Path) -> None:
    (tmp_path / "carts.sql").write_text("-- name: cart_open\nSELECT 1;\n")
    with pytest.raises(KeyError) as raised:
        NamedQueries(tmp_path, book="test")("cart_opne")
    assert isinstance(raised.value, UnknownQuery)
    assert "'cart_opne'" in str(raised.value)


def test_skipped_folders_are_not_read(tmp_path: Path) -> None:
    (tmp_path / "sql" / "migrations").mkdir(parents=True)
    (tmp_path / "sql" / "migrations" / "0001.sql").write_text("CREATE TABLE t (id int);\n")
    (tmp_path / "carts.sql").write_text("-- name: cart_open\nSELECT 1;\n")
    queries = NamedQueries(tmp_path, book="test", skip=["sql/migrations"])
    assert queries.sources() == {"cart_open": "carts.sql"}
