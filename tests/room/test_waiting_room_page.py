"""The waiting room as families expect it (issue 14): the opening time and a countdown before
it, the place as families ahead, an estimate only when there is a pace to estimate from, one
stable live region, and what happens next."""

from __future__ import annotations

import dataclasses
import re

from rush.room.waiting_room import QueueStanding, QueueState
from rush.services import Services
from tests.support.api_family import (
    Client,
    call,
    open_line_that_does_not_move,
    sign_up_with_two_children,
)
from tests.support.catalogue_factory import CatalogueFactory


def live_region(html: str) -> str:
    found = re.search(
        r'<section class="card" id="queue-live" aria-live="polite"[^>]*>(.*?)</section>', html, re.S
    )
    assert found, "one live region around the status"
    return found.group(1)


async def test_before_opening_the_room_shows_the_opening_time_and_a_countdown(
    family_client: Client, admin_client: Client, catalogue: CatalogueFactory, services: Services
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    await services.pool.execute(
        "UPDATE sale SET opens_at = now() + interval '2 hours' WHERE id = $1", sale_id
    )
    await catalogue.program([5], sale_id=sale_id)
    await sign_up_with_two_children(family_client)
    await call(admin_client, "post", f"/api/v1/ops/sales/{sale_id}/prepare")
    await call(family_client, "post", f"/api/v1/sales/{sale_id}/queue")

    page = (await family_client.get(f"/sales/{sale_id}/queue")).text

    countdown = re.search(r'id="countdown" data-ms="(\d+)"', page)
    assert countdown
    assert 7_000_000 < int(countdown.group(1)) <= 7_200_000
    assert "Les inscriptions ouvrent le" in page
    assert "aria-live" not in live_region(page)  # the polled part carries no region of its own


async def test_a_family_in_line_sees_families_ahead_and_no_estimate_while_the_line_is_stopped(
    family_client: Client, admin_client: Client, catalogue: CatalogueFactory
) -> None:
    sale_id = await open_line_that_does_not_move(family_client, admin_client, catalogue)
    await call(family_client, "post", f"/api/v1/sales/{sale_id}/queue")

    status = live_region((await family_client.get(f"/sales/{sale_id}/queue")).text)

    assert "C&#39;est bientôt votre tour" in status  # no family ahead: as families ahead
    assert "Votre place" not in status  # never the ticket number as a position
    assert "Attente estimée" not in status
    assert "reprendront" in status
    assert "votre panier" in status  # what happens next, in one sentence


def test_no_estimate_once_staff_stopped_admissions_even_with_last_minutes_pace() -> None:
    standing = QueueStanding(
        state=QueueState.QUEUED,
        ticket=9,
        ahead=3,
        measured_rate_per_min=30,
        configured_rate_per_min=0,
        now_ms=0,
        room_status="open",
        waiting=4,
        opens_ms=0,
    )
    running = dataclasses.replace(standing, configured_rate_per_min=30)

    assert standing.eta_seconds is None
    assert running.eta_seconds == 8
