"""The dashboard in the watcher's language: figures with the right decimal mark, a staff log
that reads as sentences, and a clear word after each action."""

from __future__ import annotations

import json
import re
from typing import Any

from litestar.testing import AsyncTestClient

from rush.i18n import format_number
from rush.room.sales import prepare_room
from rush.services import Services
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.forms import csrf_of

Client = AsyncTestClient[Any]


def status_region(page: str) -> str:
    found = re.search(r'<p id="action-done"[^>]*role="status" aria-live="polite">(.*?)</p>', page)
    assert found, "the dashboard keeps one polite status region"
    return found.group(1)


async def act(admin: Client, sale_id: int, action: str, **fields: str) -> str:
    """Post a dashboard form as staff do, and return the page they come back to."""
    dashboard = (await admin.get(f"/ops/sales/{sale_id}")).text
    answer = await admin.post(
        f"/ops/sales/{sale_id}/actions/{action}",
        data={"_csrf_token": csrf_of(dashboard), **fields},
        follow_redirects=True,
    )
    assert answer.status_code == 200
    return answer.text


def test_figures_take_a_decimal_comma_in_french_and_a_point_in_english() -> None:
    assert format_number(0.28, "fr-CA") == "0,28"
    assert format_number(0.28, "en") == "0.28"


async def test_the_dashboard_writes_decimals_and_charts_in_the_page_language(
    admin: Client, catalogue: CatalogueFactory, services: Services
) -> None:
    camp = await catalogue.program([5])
    await prepare_room(services.pool, services.room, camp.sale_id)

    french = (await admin.get(f"/ops/sales/{camp.sale_id}")).text
    english = (await admin.get(f"/ops/sales/{camp.sale_id}?lang=en")).text

    latencies = r'data-k="latency\.(?:postgres|redis)_ms">([^<]*)<'
    assert all("." not in value for value in re.findall(latencies, french))
    assert all("," not in value for value in re.findall(latencies, english))
    assert "Rapprochement : groupes réparés" in french
    assert "Réconciliation" not in french
    assert 'data-locale="fr-CA" data-time-zone="America/Toronto"' in french
    labels = re.search(r"data-labels='([^']*)'", french)
    assert labels
    assert json.loads(labels.group(1))["time"] == "Heure"
    assert 'data-locale="en"' in english


async def test_the_staff_log_reads_as_sentences_in_the_readers_language(
    admin: Client, catalogue: CatalogueFactory, services: Services
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    await catalogue.program([5], sale_id=sale_id)
    await prepare_room(services.pool, services.room, sale_id)
    await act(admin, sale_id, "open")
    await act(admin, sale_id, "pace", rate_per_min="", max_shoppers="40")

    french = (await admin.get(f"/ops/sales/{sale_id}")).text
    english = (await admin.get(f"/ops/sales/{sale_id}?lang=en")).text

    assert "Vente ouverte par admin@ville.qc.ca" in french
    assert "Rythme changé par admin@ville.qc.ca : 40 familles à la fois" in french
    assert "Pace changed by admin@ville.qc.ca: 40 families at once" in english
    log = french.split('id="log-title"')[1].split("</section>")[0]
    assert "max_shoppers" not in log
    assert "open {" not in log


async def test_each_dashboard_action_says_what_it_did_once_in_a_polite_status(
    admin: Client, catalogue: CatalogueFactory, services: Services
) -> None:
    camp = await catalogue.program([5])
    await prepare_room(services.pool, services.room, camp.sale_id)
    family = await catalogue.family()
    email = await services.pool.fetchval(
        "SELECT email::text FROM account WHERE id = $1", family.account_id
    )

    paused = await act(admin, camp.sale_id, "pause")
    assert status_region(paused) == "Vente mise en pause"
    again = (await admin.get(f"/ops/sales/{camp.sale_id}")).text
    assert status_region(again) == ""

    extended = await act(admin, camp.sale_id, "extend_cart", email=email, minutes="5")
    assert status_region(extended) == (
        f"Plus de temps donné : 5 minutes de plus pour le panier de {email}"
    )
    resumed = await act(admin, camp.sale_id, "resume")
    assert status_region(resumed) == "Vente reprise"
