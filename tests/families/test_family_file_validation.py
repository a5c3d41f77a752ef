"""The family file's values: what is accepted, how it is normalized, what is refused and why."""

from __future__ import annotations

import datetime as dt

import pytest

from rush.families.family_file_types import (
    Address,
    AdultDetails,
    ChildDetails,
    Contact,
    FamilyFileInvalid,
    HealthSheet,
)
from rush.families.family_file_validation import (
    normalized_email,
    normalized_health_insurance_number,
    normalized_phone,
    normalized_postal_code,
    normalized_sin,
    valid_child_birth_date,
    validated_address,
    validated_adult,
    validated_child,
    validated_contacts,
    validated_health_sheet,
)

TODAY = dt.date(2027, 3, 15)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("G5H 1A1", "G5H 1A1"),
        ("g5h1a1", "G5H 1A1"),
        ("  h2x-3y7 ", "H2X 3Y7"),
        ("J8P\xa02B4", "J8P 2B4"),
        ("K1A 0B1", "K1A 0B1"),
    ],
)
def test_a_postal_code_is_written_upper_case_with_one_space(typed: str, expected: str) -> None:
    assert normalized_postal_code(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "G5H 1A",
        "G5H 1A12",
        "5GH 1A1",
        "D5H 1A1",  # D is never used
        "W5H 1A1",  # W never starts a postal code
        "G5O 1A1",  # O would read as zero
        "G5H 1A1 X",
        "90210",
    ],
)
def test_a_malformed_postal_code_is_refused_as_a_postal_code(typed: str) -> None:
    with pytest.raises(FamilyFileInvalid) as error:
        normalized_postal_code(typed)
    assert (error.value.field, error.value.reason) == ("postal_code", "postal_code")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("418 555-1234", "418 555-1234"),
        ("4185551234", "418 555-1234"),
        ("(418) 555-1234", "418 555-1234"),
        ("418.555.1234", "418 555-1234"),
        ("+1 418 555 1234", "418 555-1234"),
        ("1-800-555-0199", "800 555-0199"),
    ],
)
def test_a_phone_number_is_written_the_quebec_way(typed: str, expected: str) -> None:
    assert normalized_phone(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "555-1234",  # no area code
        "418 555-12345",
        "2 418 555-1234",  # a country code other than 1
        "018 555-1234",  # no area code starts with 0
        "418 155-1234",  # no exchange starts with 1
        "418-555-CALL",
        "418 555-1234 poste 12",
    ],
)
def test_a_phone_number_that_is_not_north_american_is_refused(typed: str) -> None:
    with pytest.raises(FamilyFileInvalid) as error:
        normalized_phone(typed, "phone_mobile")
    assert (error.value.field, error.value.reason) == ("phone_mobile", "phone")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("046 454 286", "046454286"),
        ("130-692-544", "130692544"),
        ("193456787", "193456787"),
    ],
)
def test_a_sin_that_passes_luhn_keeps_only_its_nine_digits(typed: str, expected: str) -> None:
    assert normalized_sin(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "130 692 545",  # last digit off by one
        "123 456 789",
        "310 692 544",  # two neighbouring digits swapped
        "000 000 000",  # passes Luhn, but a placeholder
        "13069254",
        "1306925440",
        "13O 692 544",
    ],
)
def test_a_sin_failing_the_luhn_check_or_the_format_is_refused(typed: str) -> None:
    with pytest.raises(FamilyFileInvalid) as error:
        normalized_sin(typed)
    assert (error.value.field, error.value.reason) == ("sin", "sin")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("TREM12345678", "TREM 1234 5678"),
        ("trem 1234 5678", "TREM 1234 5678"),
        ("Trem-1234-5678", "TREM 1234 5678"),
    ],
)
def test_a_ramq_number_is_written_as_on_the_card(typed: str, expected: str) -> None:
    assert normalized_health_insurance_number(typed) == expected


@pytest.mark.parametrize(
    "typed", ["TRE 1234 5678", "TREM 1234 567", "TREM 1234 56789", "1REM 1234 5678", "TRÉM12345678"]
)
def test_a_malformed_ramq_number_is_refused(typed: str) -> None:
    with pytest.raises(FamilyFileInvalid) as error:
        normalized_health_insurance_number(typed)
    assert error.value.reason == "health_insurance_number"


def test_an_email_keeps_its_local_part_and_lowers_its_domain() -> None:
    assert normalized_email(" Marie.Tremblay@Videotron.CA ") == "Marie.Tremblay@videotron.ca"


@pytest.mark.parametrize(
    "typed", ["marie", "marie@", "@videotron.ca", "marie@videotron", "a b@c.ca"]
)
def test_a_malformed_email_is_refused(typed: str) -> None:
    with pytest.raises(FamilyFileInvalid) as error:
        normalized_email(typed)
    assert error.value.reason == "email"


@pytest.mark.parametrize(
    "born", [TODAY, dt.date(2020, 5, 1), dt.date(2002, 3, 15)], ids=["today", "seven", "25"]
)
def test_a_child_may_be_born_from_25_years_ago_to_today(born: dt.date) -> None:
    assert valid_child_birth_date(born, TODAY) == born


@pytest.mark.parametrize(
    "born", [dt.date(2027, 3, 16), dt.date(2002, 3, 14)], ids=["tomorrow", "25-and-a-day"]
)
def test_a_child_born_tomorrow_or_over_25_years_ago_is_refused(born: dt.date) -> None:
    with pytest.raises(FamilyFileInvalid) as error:
        valid_child_birth_date(born, TODAY)
    assert (error.value.field, error.value.reason) == ("birth_date", "birth_date")


def test_on_february_29_the_oldest_child_was_born_on_february_28() -> None:
    leap_day = dt.date(2028, 2, 29)
    assert valid_child_birth_date(dt.date(2003, 2, 28), leap_day) == dt.date(2003, 2, 28)
    with pytest.raises(FamilyFileInvalid):
        valid_child_birth_date(dt.date(2003, 2, 27), leap_day)


def test_an_adult_is_normalized_and_blank_optional_answers_become_none() -> None:
    adult = validated_adult(
        AdultDetails(
            first_name="  Marie ",
            last_name="Tremblay",
            email="",
            phone_home="4187757285",
            phone_mobile="   ",
        )
    )
    assert adult == AdultDetails(
        first_name="Marie", last_name="Tremblay", phone_home="418 775-7285"
    )


@pytest.mark.parametrize(
    ("details", "field", "reason"),
    [
        (AdultDetails(first_name=" ", last_name="Tremblay"), "first_name", "required"),
        (AdultDetails(first_name="M", last_name="T" * 101), "last_name", "too_long"),
        (AdultDetails(first_name="M", last_name="T", email="nope"), "email", "email"),
        (AdultDetails(first_name="M", last_name="T", phone_work="555"), "phone_work", "phone"),
    ],
)
def test_an_invalid_adult_names_the_field_and_the_reason(
    details: AdultDetails, field: str, reason: str
) -> None:
    with pytest.raises(FamilyFileInvalid) as error:
        validated_adult(details)
    assert (error.value.field, error.value.reason) == (field, reason)


def test_an_address_is_normalized_and_quebec_is_the_default_province() -> None:
    address = validated_address(
        Address(street=" 40, avenue de l'Hôtel-de-Ville ", city="Mont-Joli", postal_code="g5h1a1")
    )
    assert address == Address(
        street="40, avenue de l'Hôtel-de-Ville",
        city="Mont-Joli",
        postal_code="G5H 1A1",
        province="QC",
    )


@pytest.mark.parametrize(
    ("address", "field", "reason"),
    [
        (Address(street="1 rue A", city="Rimouski", postal_code=""), "postal_code", "required"),
        (Address(street="", city="Rimouski", postal_code="G5L 1A1"), "street", "required"),
        (
            Address(street="1 rue A", city="Rimouski", postal_code="G5L 1A1", province="QB"),
            "province",
            "province",
        ),
    ],
)
def test_an_invalid_address_names_the_field_and_the_reason(
    address: Address, field: str, reason: str
) -> None:
    with pytest.raises(FamilyFileInvalid) as error:
        validated_address(address)
    assert (error.value.field, error.value.reason) == (field, reason)


def test_a_child_with_an_unknown_sex_is_refused() -> None:
    child = ChildDetails(
        first_name="Léa",
        last_name="Tremblay",
        birth_date=dt.date(2020, 5, 1),
        sex="q",  # type: ignore[arg-type]
    )
    with pytest.raises(FamilyFileInvalid) as error:
        validated_child(child, TODAY)
    assert (error.value.field, error.value.reason) == ("sex", "choice")


def test_an_epipen_without_the_allergy_it_treats_is_refused() -> None:
    sheet = HealthSheet(wears_glasses=False, wears_contacts=False, epipen=True, allergies=" ")
    with pytest.raises(FamilyFileInvalid) as error:
        validated_health_sheet(sheet)
    assert (error.value.field, error.value.reason) == ("allergies", "required")


def test_an_invalid_contact_is_named_by_its_position() -> None:
    good = Contact(kind="emergency", name="Luc", relationship="Oncle", phone="4185551234")
    bad = Contact(kind="pickup", name="Ana", relationship="Voisine", phone="555-1234")
    with pytest.raises(FamilyFileInvalid) as error:
        validated_contacts([good, bad])
    assert (error.value.field, error.value.reason) == ("contacts[1].phone", "phone")


def test_more_than_ten_contacts_are_refused() -> None:
    contact = Contact(kind="pickup", name="Ana", relationship="Voisine", phone="4185551234")
    with pytest.raises(FamilyFileInvalid) as error:
        validated_contacts([contact] * 11)
    assert (error.value.field, error.value.reason) == ("contacts", "too_many")
