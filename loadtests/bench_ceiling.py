"""Closed-loop users for the rush benchmark's ceiling phases: no think time, one endpoint each.

`PingUser` asks the trivial `/api/v1/ping` (the app's ceiling: same server, middleware and load
generator, nothing behind). `StatusUser` polls its family's place in the waiting room by its signed
ticket, as a family in line does: the request most of a rush is made of. `HoldUser` holds its
family's cart again, with its admission token: the whole hold path (session, the admission check
reading the cart's staged copy in the same script, one Lua hold per program at once whose replies
make the cart's view, the went-live log; the family's first hold reads Postgres, as the carts are
seeded there, and stages them), replacing the family's own live hold so it always fits. Families
were signed in beforehand by the orchestrator (`RUSH_CEILING`, see `loadtests.bench_sessions`);
several users may share a family, as its devices would.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import msgspec
from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

import loadtests.bench_recorder  # noqa: F401 - registers the request recorder
from loadtests.bench_sessions import CeilingPlan, FamilySession

CEILING_ENV = "RUSH_CEILING"

_user_numbers = itertools.count()


def _plan() -> CeilingPlan:
    return msgspec.json.decode(Path(os.environ[CEILING_ENV]).read_bytes(), type=CeilingPlan)


def _headers(session: FamilySession) -> dict[str, str]:
    return {"cookie": session.cookie, "x-forwarded-for": session.address}


class PingUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def ping(self) -> None:
        self.client.get("/api/v1/ping", name="ping")


class StatusUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        plan = _plan()
        self._url = f"/api/v1/sales/{plan.line_sale_id}/queue/standing"
        session = plan.pollers[next(_user_numbers) % len(plan.pollers)]
        self._headers = {**_headers(session), "rush-queue-ticket": session.ticket_token or ""}

    @task
    def status(self) -> None:
        self.client.get(self._url, name="status", headers=self._headers)


class HoldUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        plan = _plan()
        session = plan.holders[next(_user_numbers) % len(plan.holders)]
        self._url = f"/api/v1/sales/{plan.sale_id}/cart/hold"
        self._headers = {
            **_headers(session),
            "x-csrftoken": session.csrf,
            "rush-admission": session.admission_token or "",
        }

    @task
    def hold(self) -> None:
        self.client.post(self._url, name="hold", headers=self._headers)
