"""Named queries: SQL kept in a `<module>.sql` file beside the module that runs it.

A file holds blocks, each introduced by a `-- name: <query_name>` line; the comment lines that
follow that line (why the query locks what it locks, in which order) stay in the query's text.
Names are global to a package, so a query is found by its name alone, and a name defined twice
fails on first use rather than letting one file silently win.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from importlib.resources.abc import Traversable

__all__ = ["NamedQueries", "QueryFileError", "UnknownQuery", "parse_named_queries"]

_NAME_LINE = re.compile(r"--\s*name:(?P<name>.*)")
_QUERY_NAME = re.compile(r"[a-z_][a-z0-9_]*")


class QueryFileError(ValueError):
    """A `.sql` file that does not split into named queries, or a name defined twice."""


class UnknownQuery(KeyError):
    """No `-- name:` block defines this query."""

    def __init__(self, name: str, book: str) -> None:
        super().__init__(name)
        self.name = name
        self.book = book

    def __str__(self) -> str:
        return f"no query named {self.name!r} in the .sql files of {self.book}"


def _is_sql(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("--")


def parse_named_queries(text: str, source: str) -> dict[str, str]:
    """The queries of one file, name to text (its comment lines included); `source` names the
    file in errors."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        match = _NAME_LINE.fullmatch(line.strip())
        if match:
            name = match["name"].strip()
            if not _QUERY_NAME.fullmatch(name):
                raise QueryFileError(f"{source}:{number}: {name!r} is not a query name")
            if name in blocks:
                raise QueryFileError(f"{source}:{number}: query {name!r} is defined twice")
            current = blocks[name] = []
        elif current is not None:
            current.append(line)
        elif _is_sql(line):
            raise QueryFileError(f"{source}:{number}: SQL before the first '-- name:' line")
    for name, lines in blocks.items():
        if not any(_is_sql(line) for line in lines):
            raise QueryFileError(f"{source}: query {name!r} has no SQL")
    return {name: "\n".join(lines).strip() + "\n" for name, lines in blocks.items()}


def _sql_files(
    folder: Traversable, skip: frozenset[str], prefix: str = ""
) -> Iterator[tuple[str, Traversable]]:
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        path = prefix + entry.name
        if entry.is_dir():
            if path not in skip:
                yield from _sql_files(entry, skip, path + "/")
        elif entry.name.endswith(".sql"):
            yield path, entry


class NamedQueries:
    """Every named query of the `.sql` files under `root` (except the folders in `skip`, paths
    relative to `root`), read on first use and kept."""

    def __init__(self, root: Traversable, book: str, skip: Iterable[str] = ()) -> None:
        self._root = root
        self._book = book
        self._skip = frozenset(skip)
        self._texts: dict[str, str] | None = None
        self._sources: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        """The SQL of the query `name`; `UnknownQuery` when no file defines it."""
        try:
            return self._loaded()[name]
        except KeyError:
            raise UnknownQuery(name, self._book) from None

    def sources(self) -> Mapping[str, str]:
        """Each query name with the file (relative to `root`) that defines it."""
        self._loaded()
        return dict(self._sources)

    def _loaded(self) -> dict[str, str]:
        if self._texts is None:
            texts: dict[str, str] = {}
            sources: dict[str, str] = {}
            for source, file in _sql_files(self._root, self._skip):
                for name, sql in parse_named_queries(file.read_text(), source).items():
                    if name in texts:
                        raise QueryFileError(
                            f"query {name!r} is defined in both {sources[name]} and {source}"
                        )
                    texts[name] = sql
                    sources[name] = source
            self._sources = sources
            self._texts = texts
        return self._texts
