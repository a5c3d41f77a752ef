"""Payment terms and refund policy (issue 14): staff write them in both languages, checkout
links them, and each order keeps the version its family accepted."""

from __future__ import annotations

from rush.services import Services
from tests.support.api_family import Client, admitted_family, call
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.forms import csrf_of


async def publish(admin: Client, kind: str, body_fr: str, body_en: str) -> int:
    form = await admin.get("/ops/admin/policies")
    answer = await admin.post(
        f"/ops/admin/policies/{kind}",
        data={"body_fr": body_fr, "body_en": body_en, "_csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    return answer.status_code


async def test_an_order_keeps_the_terms_version_its_family_accepted(
    family_client: Client,
    admin_client: Client,
    catalogue: CatalogueFactory,
    services: Services,
) -> None:
    published = await publish(
        admin_client,
        "terms",
        "Payer avant midi.\nAucun frais caché.",
        "Pay before noon.\nNo hidden fee.",
    )
    camp, children, token = await admitted_family(family_client, admin_client, catalogue, 10)
    admission = {"rush-admission": token}
    await call(
        family_client,
        "post",
        f"/api/v1/sales/{camp.sale_id}/cart/items",
        headers=admission,
        json={"person_ids": children[:1], "group_ids": camp.group_ids},
    )
    await family_client.get(f"/sales/{camp.sale_id}/queue/status", headers={"hx-request": "1"})
    cart = (await family_client.get(f"/sales/{camp.sale_id}/cart")).text
    terms_fr = (await family_client.get("/terms")).text
    terms_en = (await family_client.get("/terms?lang=en")).text
    order = await call(
        family_client,
        "post",
        f"/api/v1/sales/{camp.sale_id}/checkout",
        headers=admission,
        json={"accept_terms": True, "instalments": 1},
    )
    accepted = await services.pool.fetchval(
        "SELECT terms_version_id FROM orders WHERE id = $1", order["order_id"]
    )
    newest = await services.pool.fetchval("SELECT max(id) FROM policy_version WHERE kind = 'terms'")

    assert published == 302
    assert 'href="/terms"' in cart
    assert "<p>Payer avant midi.</p>" in terms_fr
    assert "<p>No hidden fee.</p>" in terms_en
    assert accepted == newest


async def test_a_policy_needs_both_languages(admin: Client, services: Services) -> None:
    before = await services.pool.fetchval("SELECT count(*) FROM policy_version")

    status = await publish(admin, "refunds", "Remboursement complet.", "   ")

    assert status == 422
    assert await services.pool.fetchval("SELECT count(*) FROM policy_version") == before
