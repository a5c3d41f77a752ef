"""Staff's part of the morning: prepare the waiting room at once, open the sale on time.

Runs once per run in the locust master (or the only process) when `RUSH_ADMIN_EMAIL` is set;
its requests go through `requests`, outside locust's statistics, since families never make them.
"""

from __future__ import annotations

import logging
import time

import gevent  # type: ignore[import-untyped]
import requests

from loadtests.morning import MorningSettings
from loadtests.shed_retries import problem_code, shed_wait_s, until_served

__all__ = ["open_sale_on_time"]

log = logging.getLogger(__name__)


def _admin_session(base_url: str, settings: MorningSettings) -> requests.Session:
    session = requests.Session()
    session.get(f"{base_url}/api/v1/groups", timeout=30).raise_for_status()
    session.headers["x-csrftoken"] = session.cookies.get("csrftoken") or ""
    credentials = {"email": settings.admin_email, "password": settings.admin_password}

    def log_in(last: bool) -> tuple[requests.Response, float | None]:
        """Staff sign in at the same door as families: a saturated server sheds them too."""
        answer = session.post(f"{base_url}/api/v1/auth/login", json=credentials, timeout=30)
        if last:
            return answer, None
        retry_after = answer.headers.get("retry-after")
        return answer, shed_wait_s(answer.status_code, problem_code(answer.content), retry_after)

    until_served(log_in, gevent.sleep).raise_for_status()
    # Logging in rotates the session but keeps the CSRF cookie; read it again all the same.
    session.headers["x-csrftoken"] = session.cookies.get("csrftoken") or ""
    return session


def open_sale_on_time(
    base_url: str, settings: MorningSettings, sale_id: int, opening_wall: float
) -> None:
    """Prepare the room (and its pace), sleep until `opening_wall`, then open the sale."""
    ops = f"{base_url}/api/v1/ops/sales/{sale_id}"
    session = _admin_session(base_url, settings)
    prepared = session.post(f"{ops}/prepare", timeout=30)
    log.info("prepare sale %s: %s %s", sale_id, prepared.status_code, prepared.text[:200])
    pace = {
        key: value
        for key, value in (
            ("rate_per_min", settings.admission_rate),
            ("max_shoppers", settings.max_shoppers),
        )
        if value is not None
    }
    if pace:
        paced = session.patch(f"{ops}/pace", json=pace, timeout=30)
        log.info("pace sale %s %s: %s", sale_id, pace, paced.status_code)
    gevent.sleep(max(0.0, opening_wall - time.time()))
    opened = session.post(f"{ops}/open", timeout=30)
    late_ms = (time.time() - opening_wall) * 1000
    log.info(
        "open sale %s (%.0f ms after the planned instant): %s", sale_id, late_ms, opened.status_code
    )
    if opened.status_code != 200:
        log.warning("the sale did not open: %s", opened.text[:500])
