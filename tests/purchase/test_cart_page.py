"""The cart as families need it on a phone (issue 14): lines grouped by child with their
t-shirt size, a countdown that stays in view with warnings before the end, and more time on
request, never past the hold's cap."""

from __future__ import annotations

import asyncio
import re

from rush.config import Settings
from tests.support.api_family import Client, admitted_family, call
from tests.support.catalogue_factory import CatalogueFactory


async def test_the_cart_groups_lines_by_child_and_shows_each_t_shirt_size(
    family_client: Client, admin_client: Client, catalogue: CatalogueFactory
) -> None:
    camp, children, token = await admitted_family(family_client, admin_client, catalogue, 10)
    for child, size in zip(children, ("6-8", "10-12"), strict=True):
        await call(
            family_client,
            "post",
            f"/api/v1/sales/{camp.sale_id}/cart/items",
            headers={"rush-admission": token},
            json={
                "person_ids": [child],
                "group_ids": camp.group_ids,
                "options": {"tshirt_size": size},
            },
        )
    await family_client.get(f"/sales/{camp.sale_id}/queue/status", headers={"hx-request": "1"})
    page = (await family_client.get(f"/sales/{camp.sale_id}/cart")).text
    english = (await family_client.get(f"/sales/{camp.sale_id}/cart?lang=en")).text

    headings = re.findall(r"<h2>([^<]+)</h2>", page)
    assert headings == ["Léa Gagnon", "Noah Gagnon"]
    assert page.index("6-8") < page.index("Noah Gagnon") < page.index("10-12")
    assert 'class="cart-timer"' in page
    assert 'id="countdown-warning"' in page
    assert "Il reste 5 minutes pour payer" in page
    assert f'action="/sales/{camp.sale_id}/cart/more-time"' in page
    assert "Total : " in page  # French puts a space before the colon
    assert "Total: " in english
    assert "Total :" not in english


async def test_more_time_renews_the_holds_up_to_their_cap(
    family_client: Client,
    admin_client: Client,
    catalogue: CatalogueFactory,
    app_settings: Settings,
) -> None:
    camp, children, token = await admitted_family(family_client, admin_client, catalogue, 10)
    admission = {"rush-admission": token}
    url = f"/api/v1/sales/{camp.sale_id}/cart"
    await call(
        family_client,
        "post",
        f"{url}/items",
        headers=admission,
        json={"person_ids": children[:1], "group_ids": camp.group_ids},
    )
    await asyncio.sleep(0.3)
    before = (await call(family_client, "get", url))["expires_in_ms"]

    after = (await call(family_client, "post", f"{url}/more-time", headers=admission))[
        "expires_in_ms"
    ]

    assert before < app_settings.hold_ttl_ms - 200
    assert after > before + 200
    assert after <= app_settings.hold_ttl_ms
    assert after <= app_settings.hold_max_lifetime_ms
