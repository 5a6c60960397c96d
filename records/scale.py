"""Scale data: N synthetic people with one enrolment each, for benchmarks (``seed_demo --persons``).

Rows are built in memory in batches and written with PostgreSQL's COPY (bulk_create elsewhere),
a million people in a few minutes. Every ID number is valid and unique by construction: the
person's index picks the area code, the sequence number and the birth day. All enrolments
share one placeholder photo. The set grows incrementally: asking for more people later adds
only the missing ones. These bulk rows have no history entries; they were never edited.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.core.files.base import ContentFile
from django.db import connection, models, transaction
from django.utils import timezone

from . import synthetic
from .demo_photos import portrait
from .identity import IdType
from .models import Enrollment, Person, School
from .photos import private_storage

STUDENT_NUMBER_PREFIX = "P"  # marks scale rows; demo people use other numbers
PLACEHOLDER_NAME = "admission/scale-placeholder.jpg"
BATCH = 20_000
MAJORS = ["计算机科学与技术", "汉语言文学", "法学", "临床医学", "机械工程", "会计学", "英语",
          "软件工程", "电子信息工程", "市场营销"]  # fmt: skip
BIRTH_START = datetime.date(1984, 1, 1)
BIRTH_SPAN_DAYS = 7300  # twenty years of birthdays


def existing_count() -> int:
    return Enrollment.objects.filter(student_number__startswith=STUDENT_NUMBER_PREFIX).count()


def _placeholder() -> str:
    if not private_storage.exists(PLACEHOLDER_NAME):
        private_storage.save(PLACEHOLDER_NAME, ContentFile(portrait("scale-placeholder")))
    return PLACEHOLDER_NAME


def person_fields(index: int) -> dict[str, object]:
    areas = synthetic.AREA_CODES
    area = areas[index % len(areas)]
    rest = index // len(areas)
    sequence = rest % 999 + 1
    birth = BIRTH_START + datetime.timedelta(days=(rest // 999) % BIRTH_SPAN_DAYS)
    surname = synthetic.SURNAMES[index % len(synthetic.SURNAMES)]
    gender = synthetic.gender_of_sequence(sequence)
    names = synthetic.given_names(gender)
    return {
        "name": surname + names[(index // 7) % len(names)],
        "gender": gender,
        "birth_date": birth,
        "ethnicity": "01" if index % 10 else "08",
        "id_type": IdType.RESIDENT_ID,
        "id_number": synthetic.resident_id(area, birth, sequence),
    }


def enrollment_fields(index: int, birth: datetime.date, school_id: int, photo: str) -> dict:
    entry = datetime.date(birth.year + 18, 9, 1)
    expected = datetime.date(entry.year + 4, 7, 1)
    graduated = expected < timezone.localdate()
    return {
        "school_id": school_id,
        "level": "本科",
        "major": MAJORS[index % len(MAJORS)],
        "duration": "4",
        "category": "普通高等教育",
        "study_mode": "普通全日制",
        "branch": "",
        "department": "",
        "class_name": "",
        "student_number": f"{STUDENT_NUMBER_PREFIX}{index:09d}",
        "entry_date": entry,
        "expected_graduation_date": expected,
        "leave_date": expected if graduated else None,
        "status": "不在籍（毕业）" if graduated else "在籍（注册学籍）",
        "admission_photo": photo,
        "diploma_photo": photo,
    }


def _reserve_ids(model: type[models.Model], count: int) -> int:
    """The first of ``count`` fresh primary keys, taken from the table's sequence at once."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')")  # noqa: S608
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def _copy(model: type[models.Model], rows: list[dict[str, object]]) -> None:
    """COPY rows (dicts of column values, ``id`` included) into the model's table."""
    fields = list(model._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    names = [f.attname for f in fields]
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[name] for name in names])


def _defaults(model: type[models.Model]) -> dict[str, object]:
    """Column defaults for fields a scale row does not set (version, and so on)."""
    values: dict[str, object] = {}
    for field in model._meta.concrete_fields:
        if field.has_default() and not callable(field.default):
            values[field.attname] = field.default
        elif field.null:
            values[field.attname] = None  # withdrawn_at, withdrawn_by and the like
        elif field.blank and isinstance(field, (models.CharField, models.TextField)):
            values[field.attname] = ""
    return values


def _batches(start: int, stop: int) -> Iterator[range]:
    for first in range(start, stop, BATCH):
        yield range(first, min(first + BATCH, stop))


def seed_scale(total: int, progress: Callable[[str], None] = lambda _line: None) -> int:
    """Make sure ``total`` scale people exist; return how many were added."""
    start = existing_count()
    if start >= total:
        progress(f"scale: {start} people already there")
        return 0
    photo = _placeholder()
    school_ids = list(School.objects.order_by("code").values_list("pk", flat=True))
    postgres = connection.vendor == "postgresql"
    now = timezone.now()
    person_defaults, enrollment_defaults = _defaults(Person), _defaults(Enrollment)
    for batch in _batches(start, total):
        people: list[dict[str, Any]] = [
            {**person_defaults, **person_fields(index), "public_id": uuid.uuid4(),
             "created_at": now, "updated_at": now}
            for index in batch
        ]  # fmt: skip
        with transaction.atomic():
            if postgres:
                first = _reserve_ids(Person, len(people))
                for offset, row in enumerate(people):
                    row["id"] = first + offset
                _copy(Person, people)
            else:
                created = Person.objects.bulk_create(
                    [Person(**row) for row in people], batch_size=2000
                )
                for row, person in zip(people, created, strict=True):
                    row["id"] = person.pk
            enrollments = [
                {**enrollment_defaults,
                 **enrollment_fields(index, row["birth_date"], school_ids[index % len(school_ids)],
                                     photo),
                 "public_id": uuid.uuid4(), "person_id": row["id"], "updated_at": now}
                for index, row in zip(batch, people, strict=True)
            ]  # fmt: skip
            if postgres:
                first = _reserve_ids(Enrollment, len(enrollments))
                for offset, row in enumerate(enrollments):
                    row["id"] = first + offset
                _copy(Enrollment, enrollments)
            else:
                Enrollment.objects.bulk_create(
                    [Enrollment(**row) for row in enrollments], batch_size=2000
                )
        progress(f"scale: {batch.stop:,} / {total:,} people")
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE records_person, records_enrollment")
    return total - start
