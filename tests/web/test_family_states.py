"""docs/family-states.md, cell by cell: a family is put in each state of the table (through
the app's API, as its pages' scripts would), for each sale state, and the home page's header
must say the cell's words and offer the cell's buttons, in that order."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from rush.purchase.orders import finalize_order, record_payment_event
from rush.purchase.payments import SimulatedProvider
from rush.services import Services
from tests.support.api_family import Client, call, sign_up_and_log_in, sign_up_with_two_children
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.paid_orders import name_tax_payer

TABLE = Path(__file__).resolve().parents[2] / "docs" / "family-states.md"
SALE_STATES = ("scheduled", "open", "paused", "closed")


@dataclass(frozen=True)
class Cell:
    family_state: str
    sale_state: str
    words: str
    buttons: list[tuple[str, str]]

    def __str__(self) -> str:
        return f"{self.family_state}/{self.sale_state}"


def _cells() -> list[Cell]:
    rows = [
        line
        for line in TABLE.read_text().splitlines()
        if line.startswith("| ") and not line.startswith(("| Family state", "| ---"))
    ]
    cells = []
    for row in rows:
        family_state, *columns = (c.strip() for c in row.strip("|").split(" | "))
        assert len(columns) == len(SALE_STATES), row
        for sale_state, text in zip(SALE_STATES, columns, strict=True):
            if text == "—":
                continue
            words = re.search(r'"([^"]+)"', text)
            assert words, f"no quoted words in {family_state}/{sale_state}"
            buttons = re.findall(r"\[([^\]]+)\]\(([^)]+)\)", text)
            cells.append(Cell(family_state, sale_state, words.group(1), buttons))
    return cells


CELLS = _cells()


@dataclass
class Scene:
    """What a cell's set-up made: the sale, the order to pay (if any)."""

    sale_id: int
    order_id: uuid.UUID | None = None


class Stage:
    """Puts one family of the test client in a given state, in a sale of a given state."""

    def __init__(
        self,
        family: Client,
        admin: Client,
        catalogue: CatalogueFactory,
        services: Services,
        provider: SimulatedProvider,
    ) -> None:
        self.family, self.admin, self.catalogue = family, admin, catalogue
        self.services, self.provider = services, provider

    async def sale(self) -> tuple[int, list[int]]:
        sale_id = await self.catalogue.sale(status="scheduled")
        camp = await self.catalogue.program([10], sale_id=sale_id, ages=(5, 12))
        await call(self.admin, "post", f"/api/v1/ops/sales/{sale_id}/prepare")
        return sale_id, camp.group_ids

    async def sign_up(self) -> list[int]:
        return await sign_up_with_two_children(self.family)

    async def family_id(self) -> int:
        return int((await call(self.family, "get", "/api/v1/auth/me"))["family_id"])

    async def set_status(self, status: str) -> None:
        await self.services.pool.execute(
            "UPDATE family SET status = $2 WHERE id = $1", await self.family_id(), status
        )

    async def open(self, sale_id: int, *, rate_per_min: int | None = None) -> None:
        if rate_per_min is not None:
            await call(
                self.admin,
                "patch",
                f"/api/v1/ops/sales/{sale_id}/pace",
                json={"rate_per_min": rate_per_min},
            )
        await call(self.admin, "post", f"/api/v1/ops/sales/{sale_id}/open")

    async def admitted(self, sale_id: int) -> str:
        await call(self.family, "post", f"/api/v1/sales/{sale_id}/queue")
        await self.open(sale_id)
        return str(
            (await call(self.family, "get", f"/api/v1/sales/{sale_id}/queue"))["admission_token"]
        )

    async def holding(self, sale_id: int, groups: list[int]) -> str:
        children = await self.sign_up()
        token = await self.admitted(sale_id)
        await call(
            self.family,
            "post",
            f"/api/v1/sales/{sale_id}/cart/items",
            headers={"rush-admission": token},
            json={"person_ids": children[:1], "group_ids": groups},
        )
        return token

    async def paying(self, sale_id: int, groups: list[int]) -> tuple[uuid.UUID, str]:
        token = await self.holding(sale_id, groups)
        result = await call(
            self.family,
            "post",
            f"/api/v1/sales/{sale_id}/checkout",
            headers={"rush-admission": token},
            json={"accept_terms": True},
        )
        return uuid.UUID(result["order_id"]), str(result["payment_url"])

    async def provider_says(self, payment_url: str, *, succeed: bool) -> None:
        now = int(time.time())
        ref = payment_url.rstrip("/").rsplit("/", 1)[-1]
        webhook = await self.provider.complete(ref, succeed=succeed, now_s=now)
        event = self.provider.parse_webhook(webhook.body, webhook.signature_header, now)
        await record_payment_event(self.services.pool, self.provider.name, event)

    async def paid(self, sale_id: int, groups: list[int]) -> uuid.UUID:
        order_id, payment_url = await self.paying(sale_id, groups)
        await self.provider_says(payment_url, succeed=True)
        await finalize_order(self.services, self.provider, order_id)
        return order_id


async def _put_in_state(stage: Stage, cell: Cell) -> Scene:
    """The family of `stage.family` in `cell.family_state`, its sale in `cell.sale_state`."""
    sale_id, groups = await stage.sale()
    scene = Scene(sale_id)
    state = cell.family_state
    setups: dict[str, Callable[[], Awaitable[None]]] = {}

    async def signed_out() -> None:
        return None

    async def pending_or_refused() -> None:
        await stage.sign_up()
        await stage.set_status("pending" if state == "pending approval" else "refused")

    async def incomplete() -> None:
        await stage.sign_up()

    async def ready() -> None:
        await sign_up_and_log_in(stage.family, "pret@example.ca", "Anne", "Prête")
        await name_tax_payer(stage.services.pool, stage.services.cipher, await stage.family_id())

    async def in_line() -> None:
        await stage.sign_up()
        if cell.sale_state != "scheduled":
            await stage.open(sale_id, rate_per_min=0)
        await call(stage.family, "post", f"/api/v1/sales/{sale_id}/queue")

    async def admitted() -> None:
        await stage.sign_up()
        await stage.admitted(sale_id)

    async def holding() -> None:
        await stage.holding(sale_id, groups)

    async def paying() -> None:
        scene.order_id, _ = await stage.paying(sale_id, groups)

    async def declined() -> None:
        scene.order_id, payment_url = await stage.paying(sale_id, groups)
        await stage.provider_says(payment_url, succeed=False)

    async def paid_turn_running() -> None:
        scene.order_id = await stage.paid(sale_id, groups)

    async def paid() -> None:
        scene.order_id = await stage.paid(sale_id, groups)
        await stage.services.room.leave(sale_id, await stage.family_id())

    async def idled_out() -> None:
        await stage.sign_up()
        await stage.admitted(sale_id)
        await stage.services.room.leave(sale_id, await stage.family_id())

    setups.update(
        {
            "signed out": signed_out,
            "pending approval": pending_or_refused,
            "refused": pending_or_refused,
            "file incomplete": incomplete,
            "ready": ready,
            "in line": in_line,
            "admitted": admitted,
            "holding": holding,
            "paying": paying,
            "declined": declined,
            "paid, turn running": paid_turn_running,
            "paid": paid,
            "idled out": idled_out,
        }
    )
    await setups[state]()
    status = await stage.services.pool.fetchval("SELECT status FROM sale WHERE id = $1", sale_id)
    if cell.sale_state == "open" and status == "scheduled":
        await stage.open(sale_id)
    elif cell.sale_state == "paused":
        if status == "scheduled":
            await stage.open(sale_id)
        await call(stage.admin, "post", f"/api/v1/ops/sales/{sale_id}/pause")
    elif cell.sale_state == "closed":
        if status == "scheduled":
            await stage.open(sale_id)
        await call(stage.admin, "post", f"/api/v1/ops/sales/{sale_id}/close")
    return scene


def _banner_of(html: str) -> str:
    banners = re.findall(r'<section class="sale-banner".*?</section>', html, re.S)
    assert len(banners) == 1, "one sale on show, one header"
    return str(banners[0])


@pytest.mark.parametrize("cell", CELLS, ids=str)
async def test_the_header_tells_each_family_state_in_each_sale_state(
    cell: Cell,
    family_client: Client,
    admin_client: Client,
    catalogue: CatalogueFactory,
    services: Services,
    provider: SimulatedProvider,
) -> None:
    stage = Stage(family_client, admin_client, catalogue, services, provider)
    scene = await _put_in_state(stage, cell)
    status = await services.pool.fetchval("SELECT status FROM sale WHERE id = $1", scene.sale_id)
    assert status == cell.sale_state

    home = await family_client.get("/?lang=en")
    assert home.status_code == 200
    banner = _banner_of(home.text)

    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", banner)).replace("&#39;", "'")
    assert cell.words in text, text
    links = re.findall(r'<a class="button[^"]*" href="([^"]+)">([^<]+)</a>', banner)
    expected = [
        (label, href.format(sale=scene.sale_id, order=scene.order_id))
        for label, href in cell.buttons
    ]
    assert [(label, href.replace("&amp;", "&")) for href, label in links] == expected
