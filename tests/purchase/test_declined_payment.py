"""A declined card is no dead end: the family pays again while its places are held, and is
told plainly, card not charged, once they went back (issue 14)."""

from __future__ import annotations

import time

from rush.config import Settings
from rush.ops.audit import run_audit
from rush.purchase.payments import SimulatedProvider
from rush.services import Services
from tests.support.api_family import Client, admitted_family, call, run_worker
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.forms import csrf_of


async def checked_out(
    family: Client, admin: Client, catalogue: CatalogueFactory
) -> tuple[int, str, str]:
    """A family admitted, its child held in a camp and checked out: sale, order id, payment ref."""
    camp, children, token = await admitted_family(family, admin, catalogue, 10)
    sale_id = camp.sale_id
    admission = {"rush-admission": token}
    body = {"person_ids": children[:1], "group_ids": camp.group_ids}
    await call(family, "post", f"/api/v1/sales/{sale_id}/cart/items", headers=admission, json=body)
    order = await call(
        family,
        "post",
        f"/api/v1/sales/{sale_id}/checkout",
        headers=admission,
        json={"accept_terms": True, "instalments": 1},
    )
    return sale_id, order["order_id"], order["payment_url"].rsplit("/", 1)[-1]


async def pay(family: Client, provider: SimulatedProvider, ref: str, succeed: bool) -> None:
    """The family answers on the provider's page; the provider's webhook reaches Rush."""
    webhook = await provider.complete(ref, succeed=succeed, now_s=int(time.time()))
    await call(
        family,
        "post",
        "/api/v1/payments/webhook",
        content=webhook.body,
        headers={"rush-signature": webhook.signature_header},
    )


async def test_a_declined_card_is_paid_again_while_the_places_are_held(
    family_client: Client,
    admin_client: Client,
    catalogue: CatalogueFactory,
    provider: SimulatedProvider,
    services: Services,
    app_settings: Settings,
) -> None:
    sale_id, order_id, first_ref = await checked_out(family_client, admin_client, catalogue)
    await pay(family_client, provider, first_ref, succeed=False)

    declined = await family_client.get(f"/orders/{order_id}")
    again = await family_client.post(
        f"/orders/{order_id}/pay",
        data={"_csrf_token": csrf_of(declined.text)},
        follow_redirects=False,
    )
    second_ref = again.headers["location"].rsplit("/", 1)[-1]
    await pay(family_client, provider, second_ref, succeed=True)
    await run_worker(app_settings)
    paid = await call(family_client, "get", f"/api/v1/orders/{order_id}")
    report = await run_audit(services.pool, services.redis, app_settings, sale_id)
    waiting_room = (await family_client.get(f"/sales/{sale_id}/queue")).text

    assert "/orders/" in declined.text
    assert f'action="/orders/{order_id}/pay"' in declined.text
    assert 'role="alert"' in declined.text
    assert second_ref != first_ref
    assert paid["status"] == "paid"
    assert report.clean, report
    assert "Votre inscription est payée" in waiting_room  # not "you stayed inactive"
    assert (await provider.payment(first_ref)).status == "failed"  # type: ignore[union-attr]


async def test_an_open_payment_is_resumed_not_opened_twice(
    family_client: Client, admin_client: Client, catalogue: CatalogueFactory
) -> None:
    _, order_id, first_ref = await checked_out(family_client, admin_client, catalogue)

    resumed = await call(family_client, "post", f"/api/v1/orders/{order_id}/pay")

    assert resumed["payment_url"].rsplit("/", 1)[-1] == first_ref


async def test_once_the_places_went_back_the_family_is_told_its_card_was_not_charged(
    family_client: Client,
    admin_client: Client,
    catalogue: CatalogueFactory,
    provider: SimulatedProvider,
    services: Services,
) -> None:
    _, order_id, first_ref = await checked_out(family_client, admin_client, catalogue)
    await pay(family_client, provider, first_ref, succeed=False)
    for program_id, hold_id in await services.pool.fetch(
        "SELECT DISTINCT program_id, hold_id FROM order_line WHERE order_id = $1", order_id
    ):
        await services.engine.release(program_id, hold_id)

    released = await family_client.get(f"/orders/{order_id}")
    refused = await call(family_client, "post", f"/api/v1/orders/{order_id}/pay", expect=409)

    assert f'action="/orders/{order_id}/pay"' not in released.text
    assert "pas été débitée" in released.text
    assert refused["code"] == "hold_expired"


async def test_the_order_page_reloads_whole_once_the_payment_is_known(
    family_client: Client,
    admin_client: Client,
    catalogue: CatalogueFactory,
    provider: SimulatedProvider,
) -> None:
    """The page polls while the provider has not answered; once it has, the whole page reloads
    so its header stops saying the payment is under way."""
    _, order_id, ref = await checked_out(family_client, admin_client, catalogue)
    poll = {"hx-request": "true"}

    waiting = await family_client.get(f"/orders/{order_id}", headers=poll)
    await pay(family_client, provider, ref, succeed=False)
    known = await family_client.get(f"/orders/{order_id}", headers=poll)

    assert "HX-Refresh" not in waiting.headers
    assert known.headers.get("hx-refresh") == "true"
