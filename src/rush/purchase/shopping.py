"""What a family does with its cart on opening morning, the same through the API and the pages.

Before opening, adding prepares a draft that holds nothing. While the sale is open, every add
and the hold at admission first pass the one admission check (`rush.room.admission`), which
also reads the room's status; after the sell-out most adds are for full groups, refused from
one more Redis read without any Postgres work (`refuse_sold_out`); the hold script still
decides every place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rush.catalogue.eligibility import Purpose, check_sale_status
from rush.catalogue.reading import refuse_sold_out
from rush.child_claims import claim_children
from rush.db import query
from rush.errors import InvalidAdmissionToken, NotAdmitted
from rush.i18n import DEFAULT_LOCALE
from rush.purchase.carts import CartView
from rush.purchase.checkout import CheckoutResult, start_checkout
from rush.purchase.staged_carts import decode_staged_cart
from rush.services import Services

__all__ = ["add_to_cart", "check_out", "hold_at_admission", "more_time"]


async def add_to_cart(
    services: Services,
    family_id: int,
    sale_id: int,
    person_ids: Sequence[int],
    group_ids: Sequence[int],
    options: Mapping[str, str],
    admission_token: str | None,
    options_by_person: Mapping[int, Mapping[str, str]] | None = None,
) -> CartView:
    """Add every person to every group: a draft before opening, held places once admitted.

    A child another family holds in this sale (its queue or its cart) is refused first."""
    live = await _adds_live(services, family_id, sale_id, admission_token)
    if live:
        catalogue = await services.catalogue.get((sale_id, None))
        persons = len(set(person_ids))
        await refuse_sold_out(services.engine, catalogue, group_ids, persons)
    await claim_children(services.pool, sale_id, family_id, person_ids)
    return await services.carts.add(
        family_id,
        sale_id,
        person_ids,
        group_ids,
        options,
        live=live,
        options_by_person=options_by_person,
    )


async def _adds_live(
    services: Services, family_id: int, sale_id: int, admission_token: str | None
) -> bool:
    """Whether an add holds places (the sale is open: the family must be admitted) or saves a
    draft. A family that brings an admission token is checked in the room, whose status is set
    before Postgres's, so an add while the room is open (the sell-out storm's refusals above
    all) asks Postgres nothing here; without a token, or when the room is not open (paused,
    closed, rebuilt), Postgres's status decides, as it always did."""
    if admission_token:
        try:
            touch = await services.admission.require_for_hold(family_id, sale_id, admission_token)
        except (NotAdmitted, InvalidAdmissionToken):
            if await _sale_is_open(services, sale_id):
                raise
            return False  # a draft: before opening, no admission is needed
        # Admitted: the room says whether the sale is open, or else Postgres (room rebuilt).
        return touch.room_status == "open" or await _sale_is_open(services, sale_id)
    if not await _sale_is_open(services, sale_id):
        return False
    await services.admission.require(family_id, sale_id, admission_token)
    return True


async def _sale_is_open(services: Services, sale_id: int) -> bool:
    status: str | None = await services.pool.fetchval(query("sale_status"), sale_id)
    return status == "open"


async def hold_at_admission(
    services: Services, family_id: int, sale_id: int, admission_token: str | None
) -> CartView:
    """Hold the whole prepared cart in one step, for an admitted family only.

    The admission check also reads the room's status and the cart's staged copy: with a copy,
    the hold asks Postgres nothing; without (never staged, flushed, or dropped by an edit or
    by staff), Postgres decides and the cart is staged again."""
    touch = await services.admission.require_for_hold(family_id, sale_id, admission_token)
    if touch.staged_cart is None:
        return await services.carts.hold_cart(family_id, sale_id)
    check_sale_status(sale_id, touch.room_status, Purpose.HOLD)
    return await services.carts.hold_staged(sale_id, decode_staged_cart(touch.staged_cart))


async def more_time(
    services: Services, family_id: int, sale_id: int, admission_token: str | None
) -> CartView:
    """The family asks for more time to pay (WCAG 2.2.1): each live hold runs for a fresh
    time-to-live, never past its latest expiry, so a cart can never be held for ever."""
    await services.admission.require(family_id, sale_id, admission_token)
    return await services.carts.extend_holds(family_id, sale_id, services.settings.hold_ttl_ms)


async def check_out(
    services: Services,
    family_id: int,
    sale_id: int,
    admission_token: str | None,
    *,
    accept_terms: bool,
    instalments: int,
    return_url: str,
    authorise_second_instalment: bool = False,
    locale: str = DEFAULT_LOCALE,
) -> CheckoutResult:
    """Turn the admitted family's held cart into an order waiting for its first payment."""
    await services.admission.require(family_id, sale_id, admission_token)
    return await start_checkout(
        services,
        services.provider,
        family_id,
        sale_id,
        accept_terms=accept_terms,
        instalments=instalments,
        return_url=return_url,
        authorise_second_instalment=authorise_second_instalment,
        locale=locale,
    )
