"""The register page as the Sport-Plus guide shows it (issue 14): each week with its daycare
under it, a t-shirt size per child that reaches the cart, and an error shown next to the part
of the form it is about, with the family's ticks kept."""

from __future__ import annotations

import re

from tests.support.api_family import Client, call, sign_up_with_two_children
from tests.support.catalogue_factory import CatalogueFactory
from tests.support.forms import csrf_of


async def _register_page(client: Client, sale_id: int, program_id: int) -> str:
    response = await client.get(f"/sales/{sale_id}/register?program_id={program_id}")
    assert response.status_code == 200
    return response.text


async def test_daycare_sits_under_its_week_and_each_child_has_a_t_shirt_size(
    family_client: Client, catalogue: CatalogueFactory
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    camp = await catalogue.program([10, 10], sale_id=sale_id, daycare_capacities=[5, 5])
    children = await sign_up_with_two_children(family_client)

    page = await _register_page(family_client, sale_id, camp.id)

    week_1, week_2 = (page.index(f'value="{g}"') for g in camp.group_ids)
    daycare_1, daycare_2 = (page.index(f'value="{g}"') for g in camp.daycare_ids)
    assert week_1 < daycare_1 < week_2 < daycare_2
    assert "data-autosubmit" not in page
    assert "Afficher les groupes" in page
    for child in children:
        assert f'name="tshirt_size-{child}"' in page

    await family_client.post(
        f"/sales/{sale_id}/register",
        data={
            "_csrf_token": csrf_of(page),
            "program_id": str(camp.id),
            "person_ids": [str(c) for c in children],
            "group_ids": [str(camp.group_ids[0])],
            f"tshirt_size-{children[0]}": "6-8",
            f"tshirt_size-{children[1]}": "10-12",
        },
    )
    cart = await call(family_client, "get", f"/api/v1/sales/{sale_id}/cart")
    sizes = {line["person_id"]: line["options"].get("tshirt_size") for line in cart["lines"]}
    assert sizes == {children[0]: "6-8", children[1]: "10-12"}


async def test_an_error_sits_next_to_its_field_takes_the_focus_and_keeps_the_ticks(
    family_client: Client, catalogue: CatalogueFactory
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    camp = await catalogue.program([10], sale_id=sale_id, ages=(9, 12))
    children = await sign_up_with_two_children(family_client)
    page = await _register_page(family_client, sale_id, camp.id)

    # Léa (born 2019) is too young for a 9-12 group: the error is about the children.
    refused = await family_client.post(
        f"/sales/{sale_id}/register",
        data={
            "_csrf_token": csrf_of(page),
            "program_id": str(camp.id),
            "person_ids": [str(children[0])],
            "group_ids": [str(camp.group_ids[0])],
            f"tshirt_size-{children[0]}": "6-8",
        },
    )

    assert refused.status_code == 409
    html = refused.text
    who = html[html.index("<fieldset") : html.index("</fieldset>")]
    assert re.search(r'id="register-error"[^>]*data-focus-on-load', who)
    assert f'value="{children[0]}" checked' in html
    assert f'value="{camp.group_ids[0]}" checked' in html
    assert "<option selected>6-8</option>" in html

    # Nothing chosen in the groups: the error sits with the groups.
    html = (
        await family_client.post(
            f"/sales/{sale_id}/register",
            data={
                "_csrf_token": csrf_of(page),
                "program_id": str(camp.id),
                "person_ids": [str(children[1])],
            },
        )
    ).text
    groups = html[html.index("</fieldset>") :]
    assert 'id="register-error"' in groups


async def test_the_api_takes_a_t_shirt_size_per_child(
    family_client: Client, catalogue: CatalogueFactory
) -> None:
    sale_id = await catalogue.sale(status="scheduled")
    camp = await catalogue.program([10], sale_id=sale_id)
    children = await sign_up_with_two_children(family_client)

    cart = await call(
        family_client,
        "post",
        f"/api/v1/sales/{sale_id}/cart/items",
        json={
            "person_ids": children,
            "group_ids": camp.group_ids,
            "options": {"tshirt_size": "6-8"},
            "options_by_person": {str(children[1]): {"tshirt_size": "10-12"}},
        },
    )

    sizes = {line["person_id"]: line["options"]["tshirt_size"] for line in cart["lines"]}
    assert sizes == {children[0]: "6-8", children[1]: "10-12"}
