"""Families replaying an opening morning against a running Rush: one locust user per family.

Each user takes the next family of the trace (`RUSH_TRACE`), waits for its arrival, logs in,
joins the waiting room, polls at the pace the server asks, prepares or holds its cart once
admitted (siblings, camp weeks, daycare), sometimes removes an item or abandons, checks out and
pays on the simulated provider's page, whose signed webhook a worker then delivers. Requests
are named by step ("login", "join", "status", "groups", "hold", "checkout", "pay", ...); an
answer the API gives on purpose (a sold-out group, an expired hold) counts as a success named
by its problem code, so failures are only server errors and unexpected refusals. A new
arrival shed by a saturated server (503 with `Retry-After`) waits and tries again: those
answers are named `shed` and counted in the run's outcomes, not as failures.

See `loadtests/README.md` for the commands and `loadtests/morning.py` for the settings.
"""

from __future__ import annotations

import json
import logging
import time
import zlib
from collections import defaultdict
from typing import Any, NamedTuple

import gevent  # type: ignore[import-untyped]
import msgspec
from locust import FastHttpUser, constant, events, task
from locust.env import Environment
from locust.runners import WorkerRunner

from loadtests.morning import MorningClock, RunState, current_run, end_run
from loadtests.opener import open_sale_on_time
from loadtests.shapes import OpeningMorningShape
from loadtests.shed_retries import SHED, UNFINISHED, shed_wait_s, until_served
from loadtests.traces import Behaviour, FamilyPlan, TraceEvent, TraceRecorder, read_header
from web.purchase_path import purchase_pool_url

__all__ = ["BUSINESS_OUTCOMES", "FamilyUser", "OpeningMorningShape"]

log = logging.getLogger(__name__)

BUSINESS_OUTCOMES = frozenset(
    {
        "sold_out",
        "hold_expired",
        "cart_empty",
        "instalments_not_offered",
        "already_registered",
        "already_in_cart",
        "child_cap_reached",
        "sale_closed",
        # A child another family already claimed (the generated names and birth dates of a
        # large trace collide now and then): the one-family-one-chance rule refusing the
        # second family, which is told to call; staff see both on /ops/families.
        "child_claimed_elsewhere",
    }
)
"""Problem codes that are the morning going as mornings go, not the server failing."""

_FINAL_ORDER_STATES = frozenset({"paid", "conflict", "refunded", "cancelled"})
_MAX_HOLD_ATTEMPTS = 4
_MAX_JOIN_ATTEMPTS = 10
"""A family arriving before staff prepared the room reloads once a second, ten times."""
_ORDER_POLL_S = 1.0
_AFTER_THE_MORNING_S = 24 * 3600
"""Longer than any run: a family plays its morning once."""


class Answer(NamedTuple):
    status: int
    body: Any
    code: str | None
    """The problem details' `code` of a refusal, None for a success."""


class _Recorder:
    """One recorder per process, opened on the first family that finishes."""

    recorder: TraceRecorder | None = None

    @classmethod
    def record(cls, run: RunState, plan: FamilyPlan, worker_index: int) -> None:
        path = run.settings.record
        if path is None:
            return
        if cls.recorder is None:
            if run.settings.workers > 1:
                path = path.with_name(f"{path.stem}.{worker_index}{path.suffix}")
            if run.settings.trace is None:
                return
            cls.recorder = TraceRecorder(path, read_header(run.settings.trace))
        cls.recorder.record(plan)


def _fake_address(key: str) -> str:
    """A per-family client address: families come from many homes, not one load generator.

    uvicorn trusts `X-Forwarded-For` from 127.0.0.1 by default, so the login rate limit (per
    address) sees the families' addresses, as it would behind the city's proxy.
    """
    h = zlib.crc32(key.encode())
    return f"10.{(h >> 16) & 255}.{(h >> 8) & 255}.{max(h & 255, 1)}"


class FamilyUser(FastHttpUser):
    """One family of the trace, from arrival to a paid order (or a cart left behind)."""

    # The shape decides how many families are out there; each runs its one morning, then
    # waits out the run between tasks, where locust stops a user at once: a user still inside
    # its task would hold the end of the run for all of `--stop-timeout`.
    wait_time = constant(_AFTER_THE_MORNING_S)

    def on_start(self) -> None:
        self.shared = current_run()
        self.sale_id = self.shared.settings.sale()
        self.worker_index = getattr(self.environment.runner, "worker_index", 0)
        self.plan = self.shared.next_plan(self.worker_index)
        self.events: list[TraceEvent] = []
        self.token: str | None = None
        self._week_of: dict[int, int] = {}
        """Daycare slot -> its camp week, from the catalogue the family reads first."""
        self._full: set[int] = set()
        """Groups the family knows are full: its last catalogue read showed no place left (the
        register page disables them), or an add was refused as sold out."""
        self.address = _fake_address(self.plan.key) if self.plan else "10.0.0.1"

    @task
    def morning(self) -> None:
        plan = self.plan
        if plan is None:  # more users than families, or this one's morning is done
            return
        self.plan = None
        arrived = self._sleep_until(plan.arrival_s)
        try:
            behaviour, held, delay = self._play(plan)
            self.shared.completed += 1
        finally:
            self.shared.finished += 1
        played = msgspec.structs.replace(
            plan,
            arrival_s=round(arrived, 3),
            wants=held,
            behaviour=behaviour,
            pay_delay_s=round(delay, 1),
            events=self.events,
        )
        _Recorder.record(self.shared, played, self.worker_index)

    # -- the morning, step by step ---------------------------------------------------------------

    def _play(self, plan: FamilyPlan) -> tuple[Behaviour, list[list[int]], float]:
        """Returns what the family actually did: its behaviour, what it held, its pay delay."""
        nothing: list[list[int]] = [[] for _ in plan.children]
        entered = self._enter(plan)
        if entered is None:
            return "abandons", nothing, 0.0
        persons, drafted = entered
        cart = self._shop(plan, persons, drafted)
        if not cart or not cart["lines"]:
            self.shared.count("nothing_held")
            return "abandons", nothing, 0.0
        self._think(plan)
        if plan.behaviour == "removes":
            cart = self._remove_one(cart)
        held = _held_per_child(cart, persons)
        if plan.behaviour == "abandons" or not cart["lines"]:
            self.shared.count("abandoned")
            return "abandons", held, 0.0
        delay = plan.pay_delay_s if plan.behaviour == "pays_late" else 0.0
        if not self._check_out_and_pay(plan, delay):
            return "abandons", held, 0.0
        return plan.behaviour, held, delay

    def _enter(self, plan: FamilyPlan) -> tuple[list[int], int] | None:
        """Log in, join, draft the cart if early, wait until admitted: the children's ids and
        how many cart requests were drafted, or None if the family could not get in."""
        groups = self._call("GET", f"/api/v1/groups?sale_id={self.sale_id}", "groups").body
        self._week_of = {
            g["id"]: g["daycare_for_group_id"] for g in groups or [] if g["daycare_for_group_id"]
        }
        if self._call("POST", "/api/v1/auth/login", "login", json=_login(plan)).code:
            return None
        persons = self._children_ids(plan)
        if persons is None:
            return None  # the family file did not load: the family gives up, as on a phone
        joined = self._join()
        if joined.code:
            return None
        drafted = self._prepare(plan, persons) if joined.body["state"] == "prequeue" else 0
        if not self._wait_for_admission(joined.body):
            return None
        return persons, drafted

    def _shop(self, plan: FamilyPlan, persons: list[int], drafted: int) -> dict[str, Any] | None:
        """Once admitted: look at the groups, hold the draft, add and hold the rest."""
        self._think(plan)
        groups = self._call("GET", f"/api/v1/groups?sale_id={self.sale_id}", "groups").body
        self._full = {g["id"] for g in groups or [] if g["places_left"] <= 0}
        cart = self._hold_prepared() if drafted else None
        if drafted < len(_requests(plan, persons)):  # arrived after opening, or it opened meanwhile
            cart = self._hold_live(plan, persons, skip=drafted) or cart
        return cart

    def _check_out_and_pay(self, plan: FamilyPlan, delay_s: float) -> bool:
        order = self._checkout(plan)
        if order is None:
            return False
        if order["payment_url"]:
            gevent.sleep(delay_s / self.shared.settings.speed)
            self._pay(order["payment_url"])
        self._wait_for_order(order["order_id"])
        return True

    @property
    def _queue(self) -> str:
        return f"/api/v1/sales/{self.sale_id}/queue"

    @property
    def _cart(self) -> str:
        return f"/api/v1/sales/{self.sale_id}/cart"

    def _children_ids(self, plan: FamilyPlan) -> list[int] | None:
        """The family file's child ids, in the trace's order of children; None when the call
        failed (a timeout under overload) or the file lacks one of the trace's children."""
        persons = self._call("GET", "/api/v1/family/persons", "persons").body or []
        ids: dict[tuple[str, str], list[int]] = defaultdict(list)
        for person in persons:
            if person["role"] == "child":
                ids[(person["first_name"], person["birth_date"])].append(person["id"])
        try:
            return [ids[(c.first_name, c.birth_date.isoformat())].pop(0) for c in plan.children]
        except IndexError:
            return None

    def _wait_for_admission(self, standing: dict[str, Any]) -> bool:
        """Poll at the server's suggested interval until admitted (joining again if idled out)."""
        while standing["state"] != "admitted":
            if standing["state"] == "closed":
                self.shared.count("sale_closed")
                return False
            gevent.sleep(max(float(standing["poll_after_seconds"]), 0.5))
            answer = self._poll(standing.get("ticket_token"))
            if answer.code:
                return False
            standing = answer.body
            if standing["state"] in ("none", "expired"):
                answer = self._call("POST", self._queue, "join")
                if answer.code:
                    return False
                standing = answer.body
        self.token = standing["admission_token"]
        return True

    def _poll(self, ticket_token: str | None) -> Answer:
        """With a ticket, the cheap poll a phone makes (no session); before one, the session's."""
        if not ticket_token:
            return self._call("GET", self._queue, "status")
        return self._call(
            "GET", f"{self._queue}/standing", "status", headers={"rush-queue-ticket": ticket_token}
        )

    def _join(self) -> Answer:
        """Take a place in line; a room staff have not prepared yet is tried again shortly, as
        a parent reloads a page that says the waiting room is not ready."""
        for _ in range(_MAX_JOIN_ATTEMPTS):
            joined = self._call("POST", self._queue, "join", business={"unknown_sale"})
            if joined.code != "unknown_sale":
                return joined
            gevent.sleep(1.0)
        return self._call("POST", self._queue, "join")

    def _prepare(self, plan: FamilyPlan, persons: list[int]) -> int:
        """Before opening: the cart as a draft, holding nothing yet. Returns how many of the
        family's requests were drafted before the sale opened."""
        for drafted, (person_ids, group_ids) in enumerate(_requests(plan, persons)):
            answer = self._call(
                "POST",
                f"{self._cart}/items",
                "prepare",
                json={"person_ids": person_ids, "group_ids": group_ids},
                business={"not_admitted", "invalid_admission"},
            )
            if answer.code in ("not_admitted", "invalid_admission"):
                return drafted  # the sale opened meanwhile: the rest is held live once admitted
        return len(_requests(plan, persons))

    def _hold_prepared(self) -> dict[str, Any] | None:
        """At admission: hold the whole draft; drop a sold-out group and try again."""
        for _ in range(_MAX_HOLD_ATTEMPTS):
            answer = self._call("POST", f"{self._cart}/hold", "hold", headers=self._admission)
            if answer.code != "sold_out":
                held: dict[str, Any] | None = None if answer.code else answer.body
                return held
            cart: dict[str, Any] = self._call("GET", self._cart, "cart").body
            short = [line for line in cart["lines"] if line["group_id"] == answer.body["group_id"]]
            if not short:
                return None
            for line in short:
                cart = self._call("DELETE", f"{self._cart}/items/{line['item_id']}", "remove").body
            if not cart["lines"]:
                return cart
        return None

    def _hold_live(
        self, plan: FamilyPlan, persons: list[int], skip: int = 0
    ) -> dict[str, Any] | None:
        """Admitted after opening: add and hold each request, leaving out sold-out groups."""
        cart: dict[str, Any] | None = None
        for person_ids, group_ids in _requests(plan, persons)[skip:]:
            wanted = self._not_known_full(group_ids)
            for _ in range(_MAX_HOLD_ATTEMPTS):
                if not wanted:
                    break
                answer = self._call(
                    "POST",
                    f"{self._cart}/items",
                    "hold",
                    json={"person_ids": person_ids, "group_ids": wanted},
                    headers=self._admission,
                )
                if answer.code is None:
                    cart = dict(answer.body)
                    break
                if answer.code != "sold_out" or answer.body.get("group_id") not in wanted:
                    break
                self._full.add(answer.body["group_id"])
                wanted = self._not_known_full(wanted)
        return cart

    def _not_known_full(self, group_ids: list[int]) -> list[int]:
        """The groups worth asking for: none the family knows is full, and no daycare slot
        whose camp week is (a daycare slot goes with its week: a family drops both)."""
        return [
            g for g in group_ids if g not in self._full and self._week_of.get(g) not in self._full
        ]

    def _remove_one(self, cart: dict[str, Any]) -> dict[str, Any]:
        if len(cart["lines"]) < 2:
            return cart
        item = cart["lines"][-1]["item_id"]
        answer = self._call("DELETE", f"{self._cart}/items/{item}", "remove")
        return answer.body if answer.code is None else cart

    def _checkout(self, plan: FamilyPlan) -> dict[str, Any] | None:
        body = {
            "accept_terms": True,
            "instalments": plan.instalments,
            "authorise_second_instalment": plan.instalments == 2,
        }
        url = f"/api/v1/sales/{self.sale_id}/checkout"
        answer = self._call("POST", url, "checkout", json=body, headers=self._admission)
        if answer.code == "instalments_not_offered":
            body["instalments"] = 1
            answer = self._call("POST", url, "checkout", json=body, headers=self._admission)
        return None if answer.code else answer.body

    def _pay(self, payment_url: str) -> None:
        """On the provider's page, as the parent clicks Pay; the provider then posts its signed
        webhook from a worker, and the page redirects back to Rush."""
        self._call(
            "POST",
            payment_url,
            "pay",
            data="outcome=succeed",
            headers={"content-type": "application/x-www-form-urlencoded"},
            expect=(200, 301, 302, 303),
            allow_redirects=False,
        )

    def _wait_for_order(self, order_id: str) -> None:
        deadline = time.time() + self.shared.settings.order_wait_s
        while time.time() < deadline:
            order = self._call("GET", f"/api/v1/orders/{order_id}", "order")
            if order.code:
                return
            if order.body["status"] in _FINAL_ORDER_STATES:
                self.shared.count(f"order_{order.body['status']}")
                return
            gevent.sleep(_ORDER_POLL_S)
        self.shared.count("order_unfinished")
        self.environment.events.request.fire(
            request_type="WAIT",
            name="order paid",
            response_time=self.shared.settings.order_wait_s * 1000,
            response_length=0,
            exception=TimeoutError(f"order {order_id} not paid in time"),
            context={},
        )

    # -- plumbing --------------------------------------------------------------------------------

    @property
    def _admission(self) -> dict[str, str]:
        return {"rush-admission": self.token or ""}

    def _csrf(self) -> str:
        return next((c.value or "" for c in self.client.cookiejar if c.name == "csrftoken"), "")

    def _call(
        self,
        method: str,
        path: str,
        name: str,
        *,
        json: Any = None,
        data: str | None = None,
        headers: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200, 201),
        allow_redirects: bool = True,
        business: set[str] | None = None,
    ) -> Answer:
        """One request, reported under `name`, or under its problem code when that code is a
        business outcome (a success); anything else unexpected is a failure. A request shed by
        a saturated server is asked again after its `Retry-After` (`loadtests.shed_retries`)."""

        def attempt(last: bool) -> tuple[Answer, float | None]:
            return self._call_once(
                method,
                path,
                name,
                json=json,
                data=data,
                headers=headers,
                expect=expect,
                allow_redirects=allow_redirects,
                business=business,
                last=last,
            )

        return until_served(attempt, gevent.sleep)

    def _call_once(
        self,
        method: str,
        path: str,
        name: str,
        *,
        json: Any,
        data: str | None,
        headers: dict[str, str] | None,
        expect: tuple[int, ...],
        allow_redirects: bool,
        business: set[str] | None,
        last: bool,
    ) -> tuple[Answer, float | None]:
        """One try: its answer, and the wait the server asked for when it shed the request."""
        sent = {"x-forwarded-for": self.address, "accept-language": "fr-CA"}
        if method != "GET":
            sent["x-csrftoken"] = self._csrf()
        sent.update(headers or {})
        with self.client.request(
            method,
            purchase_pool_url(path, self.shared.settings.purchase_base_url),
            name=name,
            json=json,
            data=data,
            headers=sent,
            catch_response=True,
            allow_redirects=allow_redirects,
        ) as response:
            status = response.status_code or 0
            body = _json(response.content)
            code = body.get("code") if status >= 400 and isinstance(body, dict) else None
            reported = name
            retry_after = (response.headers or {}).get("retry-after")
            wait = None if last else shed_wait_s(status, code, retry_after)
            if status in expect:
                response.success()
            elif wait is not None:
                reported = SHED
                response.request_meta["name"] = SHED
                self.shared.count(SHED)
                response.success()
            elif code in BUSINESS_OUTCOMES or code in (business or set()):
                reported = str(code)
                response.request_meta["name"] = reported
                self.shared.count(reported)
                response.success()
            else:
                detail = code or (response.text or "")[:200] or str(response.error)
                response.failure(f"{status} {detail}")
                code = code or f"http_{status}"
        self.events.append(TraceEvent(round(self._trace_now(), 3), reported, status))
        return Answer(status, body, code), wait

    def _trace_now(self) -> float:
        clock: MorningClock = self.shared.clock
        return clock.trace(time.time())

    def _sleep_until(self, trace_s: float) -> float:
        gevent.sleep(max(0.0, self.shared.clock.wall(trace_s) - time.time()))
        return self._trace_now()

    def _think(self, plan: FamilyPlan) -> None:
        gevent.sleep(plan.think_s / self.shared.settings.speed)


def _json(content: bytes | None) -> Any:
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return None


def _login(plan: FamilyPlan) -> dict[str, str]:
    return {"email": plan.email, "password": plan.password}


def _requests(plan: FamilyPlan, persons: list[int]) -> list[tuple[list[int], list[int]]]:
    """One cart request per distinct list of groups: siblings wanting the same weeks go together,
    so they are held all or nothing."""
    together: dict[tuple[int, ...], list[int]] = {}
    for person, wants in zip(persons, plan.wants, strict=True):
        if wants:
            together.setdefault(tuple(wants), []).append(person)
    return [(people, list(groups)) for groups, people in together.items()]


def _held_per_child(cart: dict[str, Any], persons: list[int]) -> list[list[int]]:
    by_person: dict[int, list[int]] = defaultdict(list)
    for line in cart["lines"]:
        by_person[line["person_id"]].append(line["group_id"])
    return [by_person[p] for p in persons]


def _open_the_sale(environment: Environment, **_: Any) -> None:
    """The staff's part: prepare the room now and open the sale at the opening instant."""
    run = current_run()
    if isinstance(environment.runner, WorkerRunner) or not run.settings.admin_email:
        return
    base_url = (environment.host or "").rstrip("/")
    gevent.spawn(
        open_sale_on_time, base_url, run.settings, run.settings.sale(), run.clock.opening_wall
    )


def _forget_the_run(environment: Environment, **_: Any) -> None:
    run = end_run()
    if run is not None:
        log.info("families finished: %s; outcomes: %s", run.finished, run.outcomes)
        _report_unfinished(environment, run.handed_out - run.completed)
    _Recorder.recorder = None


class MorningCutShort(Exception):
    """The run ended while this family was still on its way (e.g. still being shed)."""


def _report_unfinished(environment: Environment, families: int) -> None:
    """One failed `unfinished` entry per family whose morning the end of the run cut short:
    a family still shed when the drain ends never registered, and is an error of the run."""
    for _ in range(max(families, 0)):
        environment.events.request.fire(  # type: ignore[no-untyped-call]
            request_type="FAMILY",
            name=UNFINISHED,
            response_time=0,
            response_length=0,
            exception=MorningCutShort(),
            context={},
        )


events.test_start.add_listener(_open_the_sale)  # type: ignore[no-untyped-call]
events.test_stop.add_listener(_forget_the_run)  # type: ignore[no-untyped-call]
