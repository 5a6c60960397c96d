"""Model validation: full_clean() refuses bad data with a Chinese message and accepts edge cases."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from records import certificates, identity
from records.models import (
    ERR_BIRTH_DATE_MISMATCH,
    ERR_DATES_ORDER,
    ERR_GENDER_MISMATCH,
    ERR_GRADUATION_ORDER,
    Person,
)
from records.synthetic import resident_id
from tests.factories import (
    DegreeAwardFactory,
    EnrollmentFactory,
    PersonFactory,
    QualificationFactory,
    SchoolFactory,
)

pytestmark = pytest.mark.django_db


def person(**overrides) -> Person:
    fields = {
        "name": "王小明",
        "gender": "1",
        "birth_date": datetime.date(1999, 2, 28),
        "ethnicity": "01",
        "id_type": identity.IdType.RESIDENT_ID,
        "id_number": resident_id("110105", datetime.date(1999, 2, 28), 13),
    }
    fields.update(overrides)
    return Person(**fields)


def messages(error: ValidationError, field: str) -> list[str]:
    return [str(m) for m in error.message_dict[field]]


def test_a_valid_person_passes():
    candidate = person()
    candidate.full_clean()


def test_a_lowercase_x_and_spaces_are_normalised_before_checking():
    number = "11010519900307048X"
    assert identity.gb11643_check_character(number[:17]) == "X"
    candidate = person(
        id_number=" 11010519900307048x ", birth_date=datetime.date(1990, 3, 7), gender="2"
    )
    candidate.full_clean()
    assert candidate.id_number == number


def test_full_width_digits_are_normalised():
    number = resident_id("110105", datetime.date(1999, 2, 28), 13)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    candidate = person(id_number=full_width)
    candidate.full_clean()
    assert candidate.id_number == number


def test_a_fifteen_digit_number_is_converted_to_eighteen():
    candidate = person(
        id_number="110105850307803", birth_date=datetime.date(1985, 3, 7), gender="1"
    )
    candidate.full_clean()
    assert candidate.id_number == resident_id("110105", datetime.date(1985, 3, 7), 803)


def test_a_wrong_check_character_is_refused_in_chinese():
    number = resident_id("110105", datetime.date(1999, 2, 28), 13)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        person(id_number=wrong).full_clean()
    assert messages(caught.value, "id_number") == [str(identity.ERR_CHECK_CHARACTER)]


def test_a_birth_date_that_disagrees_with_the_number_is_refused():
    with pytest.raises(ValidationError) as caught:
        person(birth_date=datetime.date(1999, 3, 1)).full_clean()
    assert messages(caught.value, "birth_date") == [str(ERR_BIRTH_DATE_MISMATCH)]


def test_a_gender_that_disagrees_with_the_number_is_refused():
    with pytest.raises(ValidationError) as caught:
        person(gender="2").full_clean()
    assert messages(caught.value, "gender") == [str(ERR_GENDER_MISMATCH)]


def test_a_leap_day_birth_is_accepted():
    born = datetime.date(2000, 2, 29)
    person(birth_date=born, id_number=resident_id("110105", born, 13)).full_clean()


def test_a_placeholder_area_code_is_refused():
    with pytest.raises(ValidationError) as caught:
        person(id_number=resident_id("110000", datetime.date(1999, 2, 28), 13)).full_clean()
    assert messages(caught.value, "id_number") == [str(identity.ERR_AREA_PROVINCE_LEVEL)]


def test_a_name_with_an_extension_b_character_and_a_middle_dot_is_kept():
    candidate = person(name="阿依古丽・𠮷")
    candidate.full_clean()
    assert candidate.name == "阿依古丽·𠮷"


@pytest.mark.parametrize(
    ("name", "message"),
    [("王小明😀", identity.ERR_NAME_EMOJI), ("王\x07明", identity.ERR_NAME_CONTROL)],
)
def test_names_with_emoji_or_control_characters_are_refused(name, message):
    with pytest.raises(ValidationError) as caught:
        person(name=name).full_clean()
    assert messages(caught.value, "name") == [str(message)]


def test_a_passport_holder_needs_no_birth_date_agreement():
    person(id_type=identity.IdType.PASSPORT, id_number="E12345678").full_clean()


def test_str_never_shows_the_full_id_number():
    candidate = person()
    assert candidate.id_number not in str(candidate)
    assert candidate.id_number[-4:] in str(candidate)


def test_an_enrollment_must_start_before_its_expected_graduation():
    enrollment = EnrollmentFactory.build(
        person=PersonFactory(),
        school=SchoolFactory(),
        entry_date=datetime.date(2020, 9, 1),
        expected_graduation_date=datetime.date(2020, 9, 1),
    )
    with pytest.raises(ValidationError) as caught:
        enrollment.full_clean()
    assert messages(caught.value, "expected_graduation_date") == [str(ERR_DATES_ORDER)]


def test_an_unknown_level_is_refused():
    enrollment = EnrollmentFactory.build(
        person=PersonFactory(), school=SchoolFactory(), level="大专"
    )
    with pytest.raises(ValidationError) as caught:
        enrollment.full_clean()
    assert "level" in caught.value.message_dict


def test_a_diploma_number_must_carry_the_school_code():
    school = SchoolFactory(code="10001", name="北京大学")
    qualification = QualificationFactory.build(
        person=PersonFactory(),
        school=school,
        certificate_number="100021201905000123",
    )
    with pytest.raises(ValidationError) as caught:
        qualification.full_clean()
    expected = str(certificates.ERR_DIPLOMA_SCHOOL_CODE) % {"expected": "10001"}
    assert messages(caught.value, "certificate_number") == [expected]


def test_a_diploma_number_must_carry_the_graduation_year():
    school = SchoolFactory(code="10001", name="北京大学")
    qualification = QualificationFactory.build(
        person=PersonFactory(), school=school, certificate_number="100011202005000123"
    )
    with pytest.raises(ValidationError) as caught:
        qualification.full_clean()
    expected = str(certificates.ERR_DIPLOMA_YEAR) % {"expected": "2019"}
    assert messages(caught.value, "certificate_number") == [expected]


def test_a_matching_diploma_number_is_accepted():
    school = SchoolFactory(code="10001", name="北京大学")
    QualificationFactory.build(
        person=PersonFactory(), school=school, certificate_number="100011201905000123"
    ).full_clean()


def test_a_diploma_must_end_after_it_began():
    school = SchoolFactory(code="10001", name="北京大学")
    qualification = QualificationFactory.build(
        person=PersonFactory(),
        school=school,
        entry_date=datetime.date(2019, 9, 1),
        graduation_date=datetime.date(2019, 7, 1),
        certificate_number="100011201905000123",
    )
    with pytest.raises(ValidationError) as caught:
        qualification.full_clean()
    assert messages(caught.value, "graduation_date") == [str(ERR_GRADUATION_ORDER)]


def test_a_degree_number_must_carry_the_degree_level():
    school = SchoolFactory(code="10001", name="北京大学")
    degree = DegreeAwardFactory.build(
        person=PersonFactory(), school=school, level="4", certificate_number="1000132019000123"
    )
    with pytest.raises(ValidationError) as caught:
        degree.full_clean()
    expected = str(certificates.ERR_DEGREE_LEVEL) % {"expected": "4"}
    assert messages(caught.value, "certificate_number") == [expected]
