"""The family file against real Postgres: round trips, secrets at rest, family walls, readiness."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable

import asyncpg
import pytest

from rush.config import Settings
from rush.crypto import FieldCipher, UndecryptableField, new_encryption_key
from rush.errors import PersonNotInFamily
from rush.families.family_file_storage import (
    add_adult,
    add_child,
    get_family_file,
    set_address,
    set_contacts,
    set_health_sheet,
    set_tax_payer,
    tax_payer_sin,
    update_adult,
    update_child,
)
from rush.families.family_file_types import (
    Address,
    AdultDetails,
    ChildDetails,
    Contact,
    FamilyFileInvalid,
    HealthSheet,
    MaskedTaxPayer,
    UnknownFamily,
)
from rush.families.readiness import Issue, readiness
from tests.support.catalogue_factory import CatalogueFactory, TestFamily

SEVEN = dt.date(2020, 5, 1)
NINE = dt.date(2018, 3, 1)
TODAY = dt.date(2027, 3, 15)
SIN = "130 692 544"
SHEET = HealthSheet(
    wears_glasses=True,
    wears_contacts=False,
    epipen=True,
    medication="Ventolin au besoin",
    allergies="Arachides",
    health_notes="Asthme à l'effort",
)
UNCLE = Contact(kind="emergency", name="Luc Gagnon", relationship="Oncle", phone="4185551234")
NEIGHBOUR = Contact(kind="pickup", name="Ana Roy", relationship="Voisine", phone="581-555-0000")
HOME = Address(street="40, avenue Doucet", city="Mont-Joli", postal_code="g5h 1r4")


@pytest.fixture
def cipher(settings: Settings) -> FieldCipher:
    return FieldCipher(settings.encryption_key_list)


async def adult_id(pool: asyncpg.Pool, family: TestFamily) -> int:
    person_id: int = await pool.fetchval(
        "SELECT id FROM person WHERE family_id = $1 AND role = 'adult' ORDER BY id LIMIT 1",
        family.id,
    )
    return person_id


async def fill_everything(pool: asyncpg.Pool, cipher: FieldCipher, family: TestFamily) -> None:
    await set_address(pool, family.id, HOME)
    await set_tax_payer(pool, cipher, family.id, await adult_id(pool, family), SIN)
    for child_id in family.child_ids:
        await set_health_sheet(pool, family.id, child_id, SHEET)
        await set_contacts(pool, family.id, child_id, [UNCLE])


async def test_a_new_family_file_has_the_signup_adult_its_children_and_nothing_else(
    pool: asyncpg.Pool, cipher: FieldCipher, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family([SEVEN])

    file = await get_family_file(pool, cipher, family.id)

    assert file.status == "approved"
    assert [a.details for a in file.adults] == [
        AdultDetails(first_name="Parent", last_name="Tremblay")
    ]
    assert [c.id for c in file.children] == family.child_ids
    assert file.children[0].details.birth_date == SEVEN
    assert file.children[0].health_sheet is None
    assert file.children[0].contacts == []
    assert file.address is None
    assert file.tax_payer is None


async def test_adults_are_updated_and_added_with_normalized_details(
    pool: asyncpg.Pool, cipher: FieldCipher, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family()
    first = await adult_id(pool, family)

    await update_adult(
        pool,
        family.id,
        first,
        AdultDetails(
            first_name="Marie",
            last_name="Tremblay",
            email="marie@Videotron.ca",
            phone_mobile="(418) 775-7285",
        ),
    )
    second = await add_adult(
        pool, family.id, AdultDetails(first_name="Paul", last_name="Roy", phone_work="5815550000")
    )

    file = await get_family_file(pool, cipher, family.id)
    assert [(a.id, a.details) for a in file.adults] == [
        (
            first,
            AdultDetails(
                first_name="Marie",
                last_name="Tremblay",
                email="marie@videotron.ca",
                phone_mobile="418 775-7285",
            ),
        ),
        (second, AdultDetails(first_name="Paul", last_name="Roy", phone_work="581 555-0000")),
    ]


async def test_the_address_is_set_normalized_and_replaced_on_a_move(
    pool: asyncpg.Pool, cipher: FieldCipher, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family()

    await set_address(pool, family.id, HOME)
    first = (await get_family_file(pool, cipher, family.id)).address
    moved = Address(street="12 rue Lavoie", apartment="3", city="Rimouski", postal_code="G5L7B3")
    await set_address(pool, family.id, moved)

    assert first == Address(street="40, avenue Doucet", city="Mont-Joli", postal_code="G5H 1R4")
    assert (await get_family_file(pool, cipher, family.id)).address == Address(
        street="12 rue Lavoie", apartment="3", city="Rimouski", postal_code="G5L 7B3"
    )
    assert await pool.fetchval("SELECT count(*) FROM family_address") == 1


async def test_a_child_round_trips_and_its_ramq_number_is_encrypted_at_rest(
    pool: asyncpg.Pool, cipher: FieldCipher, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family()
    details = ChildDetails(
        first_name="Léa",
        last_name="Tremblay",
        birth_date=SEVEN,
        sex="f",
        health_insurance_number="trem 2055 0112",
    )

    child_id = await add_child(pool, cipher, family.id, details, today=TODAY)

    raw: bytes = await pool.fetchval(
        "SELECT health_insurance_number_encrypted FROM person WHERE id = $1", child_id
    )
    assert b"2055" not in raw
    assert b"TREM" not in raw
    [child] = (await get_family_file(pool, cipher, family.id)).children
    assert child.id == child_id
    assert child.details.health_insurance_number == "TREM 2055 0112"
    assert child.details.sex == "f"


async def test_updating_a_child_without_its_ramq_number_erases_it(
    pool: asyncpg.Pool, cipher: FieldCipher, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family()
    child_id = await add_child(
        pool,
        cipher,
        family.id,
        ChildDetails(
            first_name="Léa",
            last_name="T",
            birth_date=SEVEN,
            health_insurance_number="TREM20550112",
        ),
        today=TODAY,
    )

    renamed = ChildDetails(first_name="Léane", last_name="Tremblay", birth_date=NINE, sex="x")
    await update_child(pool, cipher, family.id, child_id, renamed, today=TODAY)

    [child] = (await get_family_file(pool, cipher, family.id)).children
    assert child.details == renamed
    assert (
        await pool.fetchval(
            "SELECT health_insurance_number_encrypted FROM person WHERE id = $1", child_id
        )
        is None
    )


async def test_a_child_born_in_the_future_is_refused_and_not_added(
    pool: asyncpg.Pool, cipher: FieldCipher, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family()
    unborn = ChildDetails(first_name="Bébé", last_name="T", birth_date=TODAY + dt.timedelta(1))

    with pytest.raises(FamilyFileInvalid) as error:
        await add_child(pool, cipher, family.id, unborn, today=TODAY)

    assert error.value.field == "birth_date"
    assert (await get_family_file(pool, cipher, family.id)).children == []


async def test_the_health_sheet_round_trips_and_a_second_one_replaces_it(
    pool: asyncpg.Pool, cipher: FieldCipher, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family([SEVEN])
    [child_id] = family.child_ids

    await set_health_sheet(pool, family.id, child_id, SHEET)
    first = (await get_family_file(pool, cipher, family.id)).children[0].health_sheet
    healthy = HealthSheet(wears_glasses=False, wears_contacts=True, epipen=False)
    await set_health_sheet(pool, family.id, child_id, healthy)

    assert first == SHEET
    assert (await get_family_file(pool, cipher, family.id)).children[0].health_sheet == healthy


async def test_contacts_are_replaced_as_a_whole_in_the_given_order(
    pool: asyncpg.Pool, cipher: FieldCipher, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family([SEVEN, NINE])
    younger, older = family.child_ids

    await set_contacts(pool, family.id, younger, [UNCLE, NEIGHBOUR])
    await set_contacts(pool, family.id, older, [NEIGHBOUR])
    await set_contacts(pool, family.id, younger, [NEIGHBOUR, UNCLE])

    file = await get_family_file(pool, cipher, family.id)
    contacts = {c.id: c.contacts for c in file.children}
    normalized_neighbour = Contact(
        kind="pickup", name="Ana Roy", relationship="Voisine", phone="581 555-0000"
    )
    normalized_uncle = Contact(
        kind="emergency", name="Luc Gagnon", relationship="Oncle", phone="418 555-1234"
    )
    assert contacts[younger] == [normalized_neighbour, normalized_uncle]
    assert contacts[older] == [normalized_neighbour]


async def test_an_invalid_contact_leaves_the_previous_contacts_untouched(
    pool: asyncpg.Pool, cipher: FieldCipher, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family([SEVEN])
    [child_id] = family.child_ids
    await set_contacts(pool, family.id, child_id, [UNCLE])

    broken = Contact(kind="emergency", name="X", relationship="Y", phone="911")
    with pytest.raises(FamilyFileInvalid):
        await set_contacts(pool, family.id, child_id, [NEIGHBOUR, broken])

    [child] = (await get_family_file(pool, cipher, family.id)).children
    assert [c.name for c in child.contacts] == ["Luc Gagnon"]


async def test_concurrent_replacements_of_contacts_never_mix_two_lists(
    pool: asyncpg.Pool, cipher: FieldCipher, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family([SEVEN])
    [child_id] = family.child_ids
    lists = [
        [
            Contact(kind="emergency", name=f"Tab {n} #{i}", relationship="R", phone="4185551234")
            for i in range(3)
        ]
        for n in range(8)
    ]

    await asyncio.gather(*(set_contacts(pool, family.id, child_id, c) for c in lists))

    [child] = (await get_family_file(pool, cipher, family.id)).children
    assert [c.name for c in child.contacts] in [[c.name for c in one] for one in lists]


async def test_a_sin_is_stored_encrypted_and_the_file_shows_only_its_last_three_digits(
    pool: asyncpg.Pool, cipher: FieldCipher, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family()
    payer = await adult_id(pool, family)

    await set_tax_payer(pool, cipher, family.id, payer, SIN)

    raw = await pool.fetchrow("SELECT * FROM tax_payer WHERE family_id = $1", family.id)
    assert b"130692544" not in raw["sin_encrypted"]
    assert all("130692544" not in str(value) for value in raw.values())
    assert raw["sin_last3"] == "544"
    file = await get_family_file(pool, cipher, family.id)
    assert file.tax_payer == MaskedTaxPayer(person_id=payer, sin_masked="*** *** 544")
    assert "130692544" not in repr(file)
    assert await tax_payer_sin(pool, cipher, family.id) == "130692544"


async def test_a_family_without_a_tax_payer_has_no_sin_to_print(
    pool: asyncpg.Pool, cipher: FieldCipher, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family()
    assert await tax_payer_sin(pool, cipher, family.id) is None


async def test_a_new_tax_payer_replaces_the_previous_one(
    pool: asyncpg.Pool, cipher: FieldCipher, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family()
    second = await add_adult(pool, family.id, AdultDetails(first_name="Paul", last_name="Roy"))
    await set_tax_payer(pool, cipher, family.id, await adult_id(pool, family), SIN)

    await set_tax_payer(pool, cipher, family.id, second, "046-454-286")

    file = await get_family_file(pool, cipher, family.id)
    assert file.tax_payer == MaskedTaxPayer(person_id=second, sin_masked="*** *** 286")
    assert await tax_payer_sin(pool, cipher, family.id) == "046454286"


async def test_a_child_cannot_be_the_tax_payer_nor_an_adult_have_a_health_sheet(
    pool: asyncpg.Pool, cipher: FieldCipher, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family([SEVEN])
    [child_id] = family.child_ids

    with pytest.raises(FamilyFileInvalid) as not_adult:
        await set_tax_payer(pool, cipher, family.id, child_id, SIN)
    with pytest.raises(FamilyFileInvalid) as not_child:
        await set_health_sheet(pool, family.id, await adult_id(pool, family), SHEET)

    assert (not_adult.value.field, not_adult.value.reason) == ("person_id", "not_an_adult")
    assert not_child.value.reason == "not_a_child"
    assert await tax_payer_sin(pool, cipher, family.id) is None


async def test_an_invalid_sin_is_refused_before_anything_is_stored(
    pool: asyncpg.Pool, cipher: FieldCipher, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family()
    with pytest.raises(FamilyFileInvalid) as error:
        await set_tax_payer(pool, cipher, family.id, await adult_id(pool, family), "130 692 545")
    assert (error.value.field, error.value.reason) == ("sin", "sin")
    assert await pool.fetchval("SELECT count(*) FROM tax_payer") == 0


Write = Callable[[asyncpg.Pool, FieldCipher, int, int], Awaitable[object]]
WRITES_ON_A_CHILD: dict[str, Write] = {
    "update_child": lambda pool, cipher, family, person: update_child(
        pool,
        cipher,
        family,
        person,
        ChildDetails(first_name="X", last_name="Y", birth_date=SEVEN),
        today=TODAY,
    ),
    "set_health_sheet": lambda pool, _, family, person: set_health_sheet(
        pool, family, person, SHEET
    ),
    "set_contacts": lambda pool, _, family, person: set_contacts(pool, family, person, [UNCLE]),
}
WRITES_ON_AN_ADULT: dict[str, Write] = {
    "update_adult": lambda pool, _, family, person: update_adult(
        pool, family, person, AdultDetails(first_name="X", last_name="Y")
    ),
    "set_tax_payer": lambda pool, cipher, family, person: set_tax_payer(
        pool, cipher, family, person, SIN
    ),
}


@pytest.mark.parametrize("write", WRITES_ON_A_CHILD.values(), ids=WRITES_ON_A_CHILD.keys())
async def test_another_familys_child_is_refused_by_every_write(
    write: Write, pool: asyncpg.Pool, cipher: FieldCipher, catalogue: CatalogueFactory
) -> None:
    ours = await catalogue.family([SEVEN])
    theirs = await catalogue.family([NINE])
    [their_child] = theirs.child_ids
    before = await get_family_file(pool, cipher, theirs.id)

    with pytest.raises(PersonNotInFamily) as error:
        await write(pool, cipher, ours.id, their_child)

    assert error.value.person_id == their_child
    assert await get_family_file(pool, cipher, theirs.id) == before


@pytest.mark.parametrize("write", WRITES_ON_AN_ADULT.values(), ids=WRITES_ON_AN_ADULT.keys())
async def test_another_familys_adult_is_refused_by_every_write(
    write: Write, pool: asyncpg.Pool, cipher: FieldCipher, catalogue: CatalogueFactory
) -> None:
    ours = await catalogue.family()
    theirs = await catalogue.family()
    their_adult = await adult_id(pool, theirs)
    before = await get_family_file(pool, cipher, theirs.id)

    with pytest.raises(PersonNotInFamily) as error:
        await write(pool, cipher, ours.id, their_adult)

    assert error.value.person_id == their_adult
    assert await get_family_file(pool, cipher, theirs.id) == before
    assert await pool.fetchval("SELECT count(*) FROM tax_payer") == 0


async def test_readiness_lists_exactly_what_is_missing_and_empties_once_all_is_filled(
    pool: asyncpg.Pool, cipher: FieldCipher, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family([SEVEN, NINE])
    younger, older = family.child_ids
    await pool.execute("UPDATE family SET status = 'pending' WHERE id = $1", family.id)
    await set_health_sheet(pool, family.id, older, SHEET)
    await set_contacts(pool, family.id, younger, [NEIGHBOUR])  # pickup only: not emergency

    before = await readiness(pool, family.id)

    assert before.issues == [
        Issue(code="family_not_approved"),
        Issue(code="address_missing"),
        Issue(code="tax_payer_missing"),
        Issue(code="emergency_contact_missing", person_id=older),
        Issue(code="health_sheet_missing", person_id=younger),
        Issue(code="emergency_contact_missing", person_id=younger),
    ]
    assert not before.ready

    await fill_everything(pool, cipher, family)
    await pool.execute("UPDATE family SET status = 'approved' WHERE id = $1", family.id)

    after = await readiness(pool, family.id)
    assert after.issues == []
    assert after.ready


async def test_readiness_of_a_family_that_does_not_exist_is_refused(pool: asyncpg.Pool) -> None:
    with pytest.raises(UnknownFamily):
        await readiness(pool, 999_999)


async def test_writing_for_a_family_that_does_not_exist_is_refused(
    pool: asyncpg.Pool, cipher: FieldCipher, clean: None
) -> None:
    with pytest.raises(UnknownFamily):
        await set_address(pool, 999_999, HOME)
    with pytest.raises(UnknownFamily):
        await add_adult(pool, 999_999, AdultDetails(first_name="X", last_name="Y"))
    with pytest.raises(UnknownFamily):
        await get_family_file(pool, cipher, 999_999)


async def test_secrets_written_under_another_encryption_key_cannot_be_read(
    pool: asyncpg.Pool, cipher: FieldCipher, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family()
    await set_tax_payer(pool, cipher, family.id, await adult_id(pool, family), SIN)
    await add_child(
        pool,
        cipher,
        family.id,
        ChildDetails(
            first_name="Léa",
            last_name="T",
            birth_date=SEVEN,
            health_insurance_number="TREM20550112",
        ),
        today=TODAY,
    )
    stranger = FieldCipher([new_encryption_key()])

    with pytest.raises(UndecryptableField):
        await tax_payer_sin(pool, stranger, family.id)
    with pytest.raises(UndecryptableField):
        await get_family_file(pool, stranger, family.id)


async def test_after_a_key_rotation_old_secrets_still_read_and_new_ones_use_the_new_key(
    pool: asyncpg.Pool, cipher: FieldCipher, settings: Settings, catalogue: CatalogueFactory
) -> None:
    family = await catalogue.family()
    payer = await adult_id(pool, family)
    await set_tax_payer(pool, cipher, family.id, payer, SIN)
    new_key = new_encryption_key()
    rotated = FieldCipher([new_key, *settings.encryption_key_list])

    assert await tax_payer_sin(pool, rotated, family.id) == "130692544"
    await set_tax_payer(pool, rotated, family.id, payer, SIN)
    assert await tax_payer_sin(pool, FieldCipher([new_key]), family.id) == "130692544"
    with pytest.raises(UndecryptableField):
        await tax_payer_sin(pool, cipher, family.id)
