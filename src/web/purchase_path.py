"""The purchase path: what an admitted family does once through the waiting room.

Its cart (choices, holds), checkout, payment and order, and the provider's webhook that
finalizes the order, in the API and the pages. Two rules read it: a busy web process lets it
work first (`web.shedding.work_priority`), and a load balancer may send it to a pool of web
processes of its own, so that the families already admitted never queue behind the opening
spike's sign-ins (README, "A pool for admitted families"; `rush bench rush
--purchase-processes`). The pattern is plain PCRE as well as Python, for the balancer's config.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["PURCHASE_PATH", "is_purchase_path", "purchase_pool_url"]

PURCHASE_PATH = re.compile(
    r"^(/api/v1)?/sales/\d+/(register|cart|checkout)(/|$)"
    r"|^(/api/v1)?/orders/"
    r"|^/api/v1/payments/"
    r"|^/(sim-)?pay/"
)


def is_purchase_path(path: str) -> bool:
    """Whether a request path (no query) is on the purchase path."""
    return PURCHASE_PATH.match(path) is not None


def purchase_pool_url(url: str, purchase_base_url: str) -> str:
    """`url` (a path or an absolute URL) as a path-routing balancer would send it: to
    `purchase_base_url` when it is on the purchase path, unchanged otherwise or when there is
    no purchase pool (empty `purchase_base_url`)."""
    if not purchase_base_url:
        return url
    parts = urlsplit(url)
    if not is_purchase_path(parts.path):
        return url
    query = f"?{parts.query}" if parts.query else ""
    return f"{purchase_base_url.rstrip('/')}{parts.path}{query}"
