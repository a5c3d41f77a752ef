"""The load tests' named queries: `<module>.sql` beside each module, read as rush reads its own."""

from __future__ import annotations

from importlib import resources

from rush.db import NamedQueries

__all__ = ["LOADTEST_QUERIES", "query"]

LOADTEST_QUERIES = NamedQueries(resources.files("loadtests"), book="loadtests")
"""Every `-- name:` block of the `.sql` files of the loadtests package."""


def query(name: str) -> str:
    """The SQL of the load tests' named query `name`, read once."""
    return LOADTEST_QUERIES(name)
