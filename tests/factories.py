"""factory_boy factories: anything the JSON fixture set does not already provide."""

from __future__ import annotations

import datetime
import random

import factory
from django.core.files.base import ContentFile

from accounts.models import User
from records import synthetic
from records.demo_photos import portrait
from records.identity import IdType
from records.models import DegreeAward, Enrollment, Person, Qualification, School


class SchoolFactory(factory.django.DjangoModelFactory[School]):
    class Meta:
        model = School
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{90000 + n:05d}")
    name = factory.Sequence(lambda n: f"仿真测试学院{n}")
    province = "11"


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    class Params:
        sequence = factory.Sequence(lambda n: 1 + (n % 998))

    birth_date = factory.Sequence(lambda n: datetime.date(1990, 1, 1) + datetime.timedelta(days=n))
    gender = factory.LazyAttribute(lambda o: synthetic.gender_of_sequence(o.sequence))
    name = factory.LazyAttribute(
        lambda o: synthetic.chinese_name(random.Random(o.sequence), o.gender)
    )
    ethnicity = "01"
    id_type = IdType.RESIDENT_ID
    id_number = factory.LazyAttribute(
        lambda o: synthetic.resident_id("110108", o.birth_date, o.sequence)
    )


def photo_file(seed: object) -> ContentFile:
    return ContentFile(portrait(str(seed)), name="photo.jpg")


class EnrollmentFactory(factory.django.DjangoModelFactory[Enrollment]):
    class Meta:
        model = Enrollment

    person = factory.SubFactory(PersonFactory)
    school = factory.SubFactory(SchoolFactory)
    level = "本科"
    major = "计算机科学与技术"
    duration = "4"
    category = "普通高等教育"
    study_mode = "普通全日制"
    department = "计算机系"
    student_number = factory.Sequence(lambda n: f"T{n:08d}")
    entry_date = datetime.date(2019, 9, 1)
    expected_graduation_date = datetime.date(2023, 7, 1)
    status = "在籍（注册学籍）"
    admission_photo = factory.LazyAttribute(lambda o: photo_file(o.student_number))
    diploma_photo = factory.LazyAttribute(lambda o: photo_file(f"{o.student_number}-d"))


class QualificationFactory(factory.django.DjangoModelFactory[Qualification]):
    class Meta:
        model = Qualification

    person = factory.SubFactory(PersonFactory)
    school = factory.SubFactory(SchoolFactory)
    level = "本科"
    major = "法学"
    category = "普通高等教育"
    duration = "4"
    study_mode = "普通全日制"
    entry_date = datetime.date(2015, 9, 1)
    graduation_date = datetime.date(2019, 7, 1)
    conclusion = "毕业"
    president_name = "周校长"
    certificate_number = factory.Sequence(
        lambda n: synthetic.diploma_number(
            school_code="10001", category="普通高等教育", year=2019, level="本科", sequence=n + 1
        )
    )


class DegreeAwardFactory(factory.django.DjangoModelFactory[DegreeAward]):
    class Meta:
        model = DegreeAward

    person = factory.SubFactory(PersonFactory)
    school = factory.SubFactory(SchoolFactory)
    level = "4"
    degree_type = "学术学位"
    discipline = "03"
    major = "法学"
    award_date = datetime.date(2019, 7, 1)
    certificate_number = factory.LazyAttributeSequence(
        lambda o, n: synthetic.degree_number(
            school_code=o.school.code, degree_level=o.level, year=o.award_date.year, sequence=n + 1
        )
    )


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"139{n:08d}")
    real_name = factory.LazyAttribute(lambda o: o.person.name if o.person else "测试用户")
    id_type = factory.LazyAttribute(lambda o: o.person.id_type if o.person else "")
    id_number = factory.LazyAttribute(lambda o: o.person.id_number if o.person else "")
    person = None
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery 9")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy hook signature
        if create:
            obj.save()
