"""What a browser reads from a page's form before posting it."""

from __future__ import annotations

import re

__all__ = ["csrf_of"]


def csrf_of(html: str) -> str:
    """The CSRF token a page's form carries in its hidden `_csrf_token` field."""
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert found, "the page carries no CSRF token"
    return found.group(1)
