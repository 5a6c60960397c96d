"""seed_demo builds the demo data set, and running it again changes nothing."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from records import synthetic
from records.demo import EXAMPLE_ID, SPECIAL_NAMES
from records.models import DegreeAward, Enrollment, Person, Qualification, School
from surveys.demo import COHORT_SIZE

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def snapshot() -> dict[str, object]:
    return {
        "schools": School.objects.count(),
        "people": sorted(Person.objects.values_list("id_number", "name", "updated_at")),
        "enrollments": sorted(
            Enrollment.objects.values_list("student_number", "status", "admission_photo")
        ),
        "qualifications": Qualification.objects.count(),
        "degrees": DegreeAward.objects.count(),
        "users": sorted(User.objects.values_list("phone", "password")),
        "history": sum(
            model.history.count() for model in (Person, Enrollment, Qualification, DegreeAward)
        ),
    }


@pytest.fixture
def seeded():
    out = StringIO()
    call_command("seed_demo", allow_demo_logins=True, stdout=out)
    return out.getvalue()


def test_running_it_twice_changes_nothing(seeded):
    before = snapshot()
    out = StringIO()
    call_command("seed_demo", allow_demo_logins=True, base_url="http://127.0.0.1:8013", stdout=out)
    assert snapshot() == before
    # `make run PORT=8013` passes its address: what is printed follows it.
    assert "Admin: http://127.0.0.1:8013/admin/" in out.getvalue()


def test_it_builds_the_demo_data_set_and_prints_the_logins(seeded):
    # One seeding for all the content checks: seeding takes seconds.
    assert "13800000001" in seeded
    assert "xuexin-demo-student" in seeded
    assert "13800000003" in seeded
    # About fifty people, plus the 2021届 graduates of the demo survey (surveys.demo).
    assert 45 <= Person.objects.count() - COHORT_SIZE <= 60
    levels = set(Enrollment.objects.values_list("level", flat=True))
    assert {"本科", "专科", "硕士研究生", "博士研究生"} <= levels
    names = set(Person.objects.values_list("name", flat=True))
    assert any("\U00020000" <= ch <= "\U0002a6df" for name in names for ch in name)
    assert any("·" in name for name in names)
    assert Person.objects.values("ethnicity").distinct().count() >= 5
    # Given names agree with the 性别 beside them.
    generated = Person.objects.exclude(id_number=EXAMPLE_ID).exclude(name__contains="·")
    for person in generated.exclude(name__in=[name for name, _sex in SPECIAL_NAMES]):
        assert person.name[1:] in synthetic.given_names(person.gender), person.name
    graduate = Enrollment.objects.filter(level__in=["硕士研究生", "博士研究生"])
    assert graduate.exists()
    assert not graduate.exclude(category="研究生").exists()
    for model in (Person, Enrollment, Qualification, DegreeAward):
        for row in model.objects.all():
            row.full_clean()


def test_it_builds_the_example_student_and_binds_the_demo_login(seeded):
    example = Person.objects.get(id_number=EXAMPLE_ID)
    assert (example.gender, example.ethnicity, example.enrollments.count()) == ("1", "08", 2)
    assert (example.name, example.birth_date) == ("韦明华", datetime.date(1994, 5, 16))
    master = example.enrollments.get(level="硕士研究生")
    assert (master.major, master.duration, master.study_mode, master.status) == (
        "社会保障", "3", "全日制", "在籍（注册学籍）"
    )  # fmt: skip
    assert master.category == "研究生"  # as on the seed document's 学籍 card
    assert (master.entry_date, master.expected_graduation_date) == (
        datetime.date(2018, 9, 7), datetime.date(2021, 7, 1)
    )  # fmt: skip
    assert master.admission_photo
    assert master.diploma_photo
    student = User.objects.get(phone="13800000001")
    assert student.person == example
    assert student.identity_verified_at is not None


def test_it_refuses_demo_logins_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()
