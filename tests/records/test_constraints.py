"""The database itself refuses broken rows, whatever code path writes them (no full_clean here)."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from records.models import Person
from tests.factories import (
    DegreeAwardFactory,
    EnrollmentFactory,
    PersonFactory,
    QualificationFactory,
    SchoolFactory,
)

pytestmark = pytest.mark.django_db


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_one_document_belongs_to_one_person():
    first = PersonFactory()
    assert refused(lambda: PersonFactory(id_type=first.id_type, id_number=first.id_number))


def test_the_same_number_under_another_document_type_is_allowed():
    first = PersonFactory()
    PersonFactory(id_type="passport", id_number=first.id_number[:9])


def test_a_resident_id_must_have_eighteen_characters():
    assert refused(lambda: PersonFactory(id_number="11010519990228"))


def test_an_unknown_gender_code_is_refused():
    assert refused(lambda: PersonFactory(gender="X"))


def test_an_unknown_ethnicity_code_is_refused():
    assert refused(lambda: PersonFactory(ethnicity="77"))


def test_a_birth_before_1900_is_refused():
    assert refused(lambda: Person.objects.create(
        name="甲", gender="1", birth_date=datetime.date(1899, 12, 31), ethnicity="01",
        id_type="passport", id_number="E12345678",
    ))  # fmt: skip


def test_a_student_number_is_unique_within_a_school():
    existing = EnrollmentFactory(admission_photo="", diploma_photo="")
    assert refused(lambda: EnrollmentFactory(
        school=existing.school, student_number=existing.student_number,
        admission_photo="", diploma_photo="",
    ))  # fmt: skip


def test_the_same_student_number_at_another_school_is_allowed():
    existing = EnrollmentFactory(admission_photo="", diploma_photo="")
    EnrollmentFactory(
        school=SchoolFactory(), student_number=existing.student_number,
        admission_photo="", diploma_photo="",
    )  # fmt: skip


def test_an_enrollment_cannot_end_before_it_starts():
    assert refused(lambda: EnrollmentFactory(
        entry_date=datetime.date(2020, 9, 1), expected_graduation_date=datetime.date(2019, 7, 1),
        admission_photo="", diploma_photo="",
    ))  # fmt: skip


def test_an_unknown_enrollment_status_is_refused():
    assert refused(lambda: EnrollmentFactory(
        status="在校", admission_photo="", diploma_photo=""
    ))  # fmt: skip


def test_a_diploma_number_is_unique():
    school = SchoolFactory(code="10001")
    existing = QualificationFactory(school=school)
    assert refused(lambda: QualificationFactory(
        school=school, certificate_number=existing.certificate_number
    ))  # fmt: skip


def test_a_diploma_number_has_eighteen_digits():
    assert refused(lambda: QualificationFactory(certificate_number="10001120190500012X"))


def test_a_degree_number_has_sixteen_digits():
    assert refused(lambda: DegreeAwardFactory(certificate_number="100014201900012"))


def test_a_school_code_has_five_digits():
    assert refused(lambda: SchoolFactory(code="1234"))
