"""Families of a trace playing their morning against running web processes, with httpx.

The API sequence is the one of `loadtests/locustfile.py` and `tests/purchase/test_rush_path.py`:
log in, join the queue, poll until admitted, hold, check out, pay on the simulated provider's
page (whose signed webhook a worker delivers), then watch the order until it is settled.

A fault makes some requests fail. Each family then does what a browser behind a load
balancer does: a dropped connection or a 5xx is sent again after a short pause, for up to
`retry_for_s`; a lost session logs in again; a lost admission joins the queue again. Every
answer is counted, so a test can tell apart refusals on purpose (problem codes such as
`hold_expired`) from server errors.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from loadtests.traces import FamilyPlan

__all__ = ["EXPECTED_REFUSALS", "DriverReport", "FamilyOutcome", "RushDriver"]

FINAL_ORDER_STATES = frozenset({"paid", "conflict", "refunded", "cancelled"})
EXPECTED_REFUSALS = frozenset(
    {
        "sold_out",
        "hold_expired",
        "cart_empty",
        "already_in_cart",
        "not_authenticated",
        "not_admitted",
        "invalid_admission",
    }
)
"""Answers a family can get on purpose during a rush and a fault: anything else is a bug."""
_RETRY_PAUSE_S = (0.2, 0.5, 1.0, 2.0)
_MAX_HOLD_ATTEMPTS = 4
_MAX_REENTRIES = 3


class GaveUp(Exception):
    """A request still failing after `retry_for_s`: the family leaves, unserved."""


class _Reenter(Exception):
    """The family's session or admission is gone: log in or queue again, then carry on."""


@dataclass
class FamilyOutcome:
    key: str
    order_id: str | None = None
    order_status: str | None = None
    paid_at_provider: bool = False
    gave_up: str | None = None
    codes: Counter[str] = field(default_factory=Counter)
    """Problem codes of refusals the family received, each time it received one."""
    server_errors: int = 0
    transport_errors: int = 0
    shed: int = 0
    """New arrivals the saturated servers answered `503 servers_busy`: waited, then sent again;
    not an error (`rush.load_shedding`)."""
    last_failure_at: float = 0.0
    """`time.monotonic()` of the last 5xx or dropped connection, 0 when none."""


def _shed(response: httpx.Response) -> bool:
    """A new arrival turned away while the servers are saturated, told when to come back."""
    if response.status_code != 503 or "retry-after" not in response.headers:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("code") == "servers_busy"


@dataclass
class DriverReport:
    families: list[FamilyOutcome]
    wall_s: float

    def codes(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for family in self.families:
            total.update(family.codes)
        return total

    @property
    def server_errors(self) -> int:
        return sum(f.server_errors for f in self.families)

    @property
    def transport_errors(self) -> int:
        return sum(f.transport_errors for f in self.families)

    @property
    def shed(self) -> int:
        return sum(f.shed for f in self.families)

    @property
    def last_failure_at(self) -> float:
        return max((f.last_failure_at for f in self.families), default=0.0)

    def unexpected_codes(self) -> dict[str, int]:
        return {c: n for c, n in self.codes().items() if c not in EXPECTED_REFUSALS}

    def orders(self, status: str | None = None) -> list[FamilyOutcome]:
        return [
            f for f in self.families if f.order_id and (status is None or f.order_status == status)
        ]

    def summary(self) -> dict[str, Any]:
        return {
            "families": len(self.families),
            "orders": len(self.orders()),
            "paid": len(self.orders("paid")),
            "unsettled": [f.key for f in self.orders() if f.order_status not in FINAL_ORDER_STATES],
            "gave_up": Counter(f.gave_up for f in self.families if f.gave_up),
            "codes": dict(self.codes()),
            "server_errors": self.server_errors,
            "transport_errors": self.transport_errors,
            "shed": self.shed,
            "wall_s": round(self.wall_s, 1),
        }


def _address(key: str) -> str:
    """A per-family client address (uvicorn trusts X-Forwarded-For from the test), so the
    per-address login limit sees many homes, not one test machine."""
    h = zlib.crc32(key.encode())
    return f"10.{(h >> 16) & 255}.{(h >> 8) & 255}.{max(h & 255, 1)}"


class RushDriver:
    """Plays `plans` with at most `concurrency` families active at once."""

    def __init__(
        self,
        base_url: str,
        sale_id: int,
        *,
        concurrency: int = 30,
        think_s: float = 0.3,
        retry_for_s: float = 60.0,
        order_wait_s: float = 120.0,
    ) -> None:
        self.base_url = base_url
        self.sale_id = sale_id
        self.concurrency = concurrency
        self.think_s = think_s
        self.retry_for_s = retry_for_s
        self.order_wait_s = order_wait_s
        self.started = 0
        self.paying = 0
        """Families that reached checkout: fault tests wait for some before injecting."""
        self.holds = 0
        """Cart requests that took places."""

    async def run(self, plans: list[FamilyPlan]) -> DriverReport:
        began = time.monotonic()
        gate = asyncio.Semaphore(self.concurrency)

        async def one(plan: FamilyPlan) -> FamilyOutcome:
            async with gate:
                self.started += 1
                return await _Family(self, plan).play()

        outcomes = await asyncio.gather(*(one(plan) for plan in plans))
        return DriverReport(list(outcomes), time.monotonic() - began)


class _Family:
    def __init__(self, driver: RushDriver, plan: FamilyPlan) -> None:
        self.driver = driver
        self.plan = plan
        self.outcome = FamilyOutcome(plan.key)
        self.token = ""
        self.persons: list[int] = []
        self.payment_url: str | None = None
        self.client = httpx.AsyncClient(
            base_url=driver.base_url,
            timeout=30.0,
            headers={"x-forwarded-for": _address(plan.key), "accept-language": "fr-CA"},
        )

    @property
    def sale(self) -> str:
        return f"/api/v1/sales/{self.driver.sale_id}"

    async def play(self) -> FamilyOutcome:
        try:
            await self._morning()
        except (GaveUp, _Reenter) as exc:
            self.outcome.gave_up = str(exc)
        finally:
            await self.client.aclose()
        return self.outcome

    async def _morning(self) -> None:
        for attempt in range(_MAX_REENTRIES + 1):
            try:
                await self._enter()
                await self._shop_and_pay()
                break
            except _Reenter:
                if attempt == _MAX_REENTRIES:
                    raise
        if self.outcome.order_id and self.outcome.paid_at_provider:
            for _ in range(_MAX_REENTRIES):
                try:
                    await self._wait_for_order()
                    break
                except _Reenter:
                    await self._log_in()

    async def _log_in(self) -> None:
        await self._call("GET", f"/api/v1/groups?sale_id={self.driver.sale_id}")
        credentials = {"email": self.plan.email, "password": self.plan.password}
        _, _, code = await self._call("POST", "/api/v1/auth/login", json=credentials)
        if code:
            raise GaveUp(f"login: {code}")

    async def _enter(self) -> None:
        await self._log_in()
        if not self.persons:
            self.persons = await self._children()
        await self._wait_for_admission()

    async def _children(self) -> list[int]:
        _, body, _ = await self._call("GET", "/api/v1/family/persons")
        by_child: dict[tuple[str, str], list[int]] = {}
        for person in body or []:
            if person["role"] == "child":
                key = (person["first_name"], person["birth_date"])
                by_child.setdefault(key, []).append(person["id"])
        return [
            by_child[(c.first_name, c.birth_date.isoformat())].pop(0) for c in self.plan.children
        ]

    async def _wait_for_admission(self) -> None:
        _, standing, code = await self._call("POST", f"{self.sale}/queue")
        deadline = time.monotonic() + self.driver.order_wait_s
        while not code and standing["state"] != "admitted":
            if standing["state"] == "closed" or time.monotonic() > deadline:
                raise GaveUp(f"queue: {standing['state']}")
            await asyncio.sleep(min(max(float(standing["poll_after_seconds"]), 0.2), 1.0))
            _, standing, code = await self._call("GET", f"{self.sale}/queue")
            if not code and standing["state"] in ("none", "expired"):
                _, standing, code = await self._call("POST", f"{self.sale}/queue")
        if code:
            raise GaveUp(f"queue: {code}")
        self.token = standing["admission_token"]

    async def _shop_and_pay(self) -> None:
        """Hold and check out once; pay the order (again after a re-entry, never a new one)."""
        if self.outcome.order_id is None:
            held = await self._hold()
            if not held or self.plan.behaviour == "abandons":
                return
            await asyncio.sleep(self.driver.think_s)
            _, order, code = await self._call(
                "POST",
                f"{self.sale}/checkout",
                json={"accept_terms": True, "instalments": 1},
                headers=self._admission,
            )
            if code:
                return  # hold_expired, cart_empty...: counted, the family has its answer
            self.driver.paying += 1
            self.outcome.order_id = order["order_id"]
            self.outcome.order_status = order["status"]
            self.payment_url = order["payment_url"]
        if self.payment_url and not self.outcome.paid_at_provider:
            await asyncio.sleep(self.driver.think_s)
            _, _, code = await self._call(
                "POST", self.payment_url, data={"outcome": "succeed"}, expect=(200, 301, 302, 303)
            )
            self.outcome.paid_at_provider = code is None

    async def _hold(self) -> bool:
        """Hold each child's wanted groups, leaving out sold-out ones; True if anything is held."""
        held = False
        for person_id, wants in zip(self.persons, self.plan.wants, strict=True):
            wanted = list(wants)
            for _ in range(_MAX_HOLD_ATTEMPTS):
                if not wanted:
                    break
                _, body, code = await self._call(
                    "POST",
                    f"{self.sale}/cart/items",
                    json={"person_ids": [person_id], "group_ids": wanted},
                    headers=self._admission,
                )
                if code is None:
                    self.driver.holds += 1
                    held = True
                    break
                if code == "already_in_cart":
                    held = True
                    break
                if code != "sold_out" or body.get("group_id") not in wanted:
                    break
                wanted.remove(body["group_id"])
        return held

    async def _wait_for_order(self) -> None:
        deadline = time.monotonic() + self.driver.order_wait_s
        while time.monotonic() < deadline:
            _, order, code = await self._call("GET", f"/api/v1/orders/{self.outcome.order_id}")
            if code is None:
                self.outcome.order_status = order["status"]
                if order["status"] in FINAL_ORDER_STATES:
                    return
            await asyncio.sleep(1.0)

    @property
    def _admission(self) -> dict[str, str]:
        return {"rush-admission": self.token}

    async def _call(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        data: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200, 201),
    ) -> tuple[int, Any, str | None]:
        """(status, body, problem code or None); retries dropped connections and 5xx."""
        deadline = time.monotonic() + self.driver.retry_for_s
        attempt = 0
        while True:
            sent = {**(headers or {})}
            if method != "GET":
                sent["x-csrftoken"] = self.client.cookies.get("csrftoken") or ""
            try:
                response = await self.client.request(
                    method, url, json=json, data=data, headers=sent, follow_redirects=False
                )
            except httpx.TransportError:
                self.outcome.transport_errors += 1
                self.outcome.last_failure_at = time.monotonic()
                response = None
            if response is not None and response.status_code < 500:
                return self._answer(response, expect)
            if response is not None and _shed(response):
                self.outcome.shed += 1
                await asyncio.sleep(float(response.headers.get("retry-after", "1")))
                continue
            if response is not None:
                self.outcome.server_errors += 1
                self.outcome.last_failure_at = time.monotonic()
            if time.monotonic() > deadline:
                raise GaveUp(f"{method} {url}: still failing")
            await asyncio.sleep(_RETRY_PAUSE_S[min(attempt, len(_RETRY_PAUSE_S) - 1)])
            attempt += 1

    def _answer(
        self, response: httpx.Response, expect: tuple[int, ...]
    ) -> tuple[int, Any, str | None]:
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code in expect:
            return response.status_code, body, None
        code = body.get("code") if isinstance(body, dict) else None
        code = code or f"http_{response.status_code}"
        self.outcome.codes[code] += 1
        if code in ("not_authenticated", "not_admitted", "invalid_admission"):
            raise _Reenter(code)
        return response.status_code, body, code
