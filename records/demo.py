"""The demo data set: real schools, about fifty synthetic people, and the demo logins.

Everything is derived from a fixed random seed and keyed on natural keys (证件号码, 学号,
证书编号), so running ``seed_demo`` again finds what is there and changes nothing.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.dispatch import Signal

from . import synthetic
from .demo_photos import portrait
from .identity import IdType
from .models import (
    AdmissionStatus,
    DegreeAward,
    DestinationKind,
    Enrollment,
    ExamRegistration,
    GraduateDestination,
    Person,
    Qualification,
    School,
)

# Sent by seed_demo once the records and the demo logins exist, so that other apps add their
# own demo data without this app importing them. Receivers return the lines to print.
demo_seeded = Signal()

SEED = 20260901
PERSON_COUNT = 50

# The example student of the seed document: 男, 壮族, 研究生 in 社会保障, 2 学籍 in all.
EXAMPLE_ID = synthetic.resident_id("450103", datetime.date(1994, 5, 16), 131)
EXAMPLE_NAME = "韦明华"

MAJORS = {
    "本科": ["计算机科学与技术", "汉语言文学", "法学", "临床医学", "机械工程", "会计学", "英语"],
    "专科": ["软件技术", "护理", "电子商务", "建筑工程技术", "市场营销"],
    "硕士研究生": ["社会保障", "软件工程", "应用经济学", "教育学原理", "材料科学与工程"],
    "博士研究生": ["凝聚态物理", "管理科学与工程", "中国古代文学", "生物化学与分子生物学"],
}
DISCIPLINE_OF_MAJOR = {
    "计算机科学与技术": "08", "汉语言文学": "05", "法学": "03", "临床医学": "10",
    "机械工程": "08", "会计学": "12", "英语": "05", "社会保障": "12", "软件工程": "08",
    "应用经济学": "02", "教育学原理": "04", "材料科学与工程": "08", "凝聚态物理": "07",
    "管理科学与工程": "12", "中国古代文学": "05", "生物化学与分子生物学": "07",
}  # fmt: skip
DURATION = {"本科": "4", "专科": "3", "硕士研究生": "3", "博士研究生": "4"}
DEGREE_LEVEL = {"本科": "4", "硕士研究生": "3", "博士研究生": "2"}
PRESIDENTS = ["郝平", "邱勇", "林建华", "金力", "陈杰", "吴朝晖"]
ETHNIC_MIX = ["01"] * 12 + ["08", "03", "11", "05", "06", "04", "02", "07", "10", "14", "13"]

# Names that exercise the name rules: a CJK Extension B character and the middle dot.
# Names that test the rules (an Extension B character, the middle dot), with the sex they
# are read as (None: either).
SPECIAL_NAMES = [("陈𠮷", None), ("阿依古丽·买买提", "2"), ("欧阳子涵", None), ("扎西·顿珠", "1")]


@dataclass
class SeedReport:
    schools: int = 0
    persons_created: int = 0
    records_created: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class EnrollmentPlan:
    school: School
    level: str
    major: str
    entry: datetime.date
    graduated: bool
    study_mode: str = "普通全日制"
    category: str = "普通高等教育"
    status: str | None = None


def load_schools() -> int:
    call_command("loaddata", "schools", verbosity=0)
    return School.objects.count()


def _person(
    *, name: str, id_number: str, birth: datetime.date, gender: str, ethnicity: str
) -> tuple[Person, bool]:
    person = Person.objects.filter(id_type=IdType.RESIDENT_ID, id_number=id_number).first()
    if person is not None:
        return person, False
    person = Person(
        name=name,
        gender=gender,
        birth_date=birth,
        ethnicity=ethnicity,
        id_type=IdType.RESIDENT_ID,
        id_number=id_number,
    )
    person.full_clean()
    person.save()
    return person, True


def _attach_photo(record: object, field_name: str, seed: str) -> None:
    getattr(record, field_name).save(f"{field_name}.jpg", ContentFile(portrait(seed)), save=False)


def _student_number(school: School, entry: datetime.date, serial: int) -> str:
    return f"{entry.year}{school.code[-3:]}{serial:05d}"


def _enrollment(person: Person, plan: EnrollmentPlan, serial: int) -> tuple[Enrollment, bool]:
    number = _student_number(plan.school, plan.entry, serial)
    existing = Enrollment.objects.filter(school=plan.school, student_number=number).first()
    if existing is not None:
        return existing, False
    years = float(DURATION[plan.level] if plan.level in DURATION else "4")
    expected = datetime.date(plan.entry.year + int(years), 7, 1)
    status = plan.status or ("不在籍（毕业）" if plan.graduated else "在籍（注册学籍）")
    enrollment = Enrollment(
        person=person,
        school=plan.school,
        level=plan.level,
        major=plan.major,
        duration=DURATION.get(plan.level, "4"),
        category=plan.category,
        study_mode=plan.study_mode,
        branch=f"{plan.major[:2]}学院" if plan.level != "专科" else "",
        department=f"{plan.major}系",
        class_name=f"{plan.major[:2]}{str(plan.entry.year)[2:]}01班",
        student_number=number,
        entry_date=plan.entry,
        expected_graduation_date=expected,
        leave_date=expected if plan.graduated else None,
        status=status,
    )
    _attach_photo(enrollment, "admission_photo", f"{person.id_number}-{number}-a")
    if plan.graduated or plan.entry.year <= 2022:
        _attach_photo(enrollment, "diploma_photo", f"{person.id_number}-{number}-d")
    enrollment.full_clean()
    enrollment.save()
    return enrollment, True


def _qualification(enrollment: Enrollment, serial: int, rng: random.Random) -> bool:
    president = rng.choice(PRESIDENTS)  # drawn first: a re-run must consume the same numbers
    if Qualification.objects.filter(enrollment=enrollment).exists():
        return False
    graduation = enrollment.expected_graduation_date
    qualification = Qualification(
        person=enrollment.person,
        school=enrollment.school,
        enrollment=enrollment,
        level=enrollment.level,
        major=enrollment.major,
        category=enrollment.category,
        duration=enrollment.duration,
        study_mode=enrollment.study_mode,
        entry_date=enrollment.entry_date,
        graduation_date=graduation,
        conclusion="毕业",
        president_name=president,
        certificate_number=synthetic.diploma_number(
            school_code=enrollment.school.code,
            category=enrollment.category,
            year=graduation.year,
            level=enrollment.level,
            sequence=serial,
        ),
    )
    qualification.full_clean()
    qualification.save()
    degree_level = DEGREE_LEVEL.get(enrollment.level)
    if degree_level:
        degree = DegreeAward(
            person=enrollment.person,
            school=enrollment.school,
            level=degree_level,
            degree_type="学术学位",
            discipline=DISCIPLINE_OF_MAJOR.get(enrollment.major, "08"),
            major=enrollment.major,
            award_date=graduation,
            certificate_number=synthetic.degree_number(
                school_code=enrollment.school.code,
                degree_level=degree_level,
                year=graduation.year,
                sequence=serial,
            ),
        )
        degree.full_clean()
        degree.save()
    return True


def _example_student(report: SeedReport) -> Person:
    """The seed document's student: 本科 at 广西大学, then 研究生 in 社会保障 at 中山大学."""
    person, created = _person(
        name=EXAMPLE_NAME,
        id_number=EXAMPLE_ID,
        birth=datetime.date(1994, 5, 16),
        gender="1",
        ethnicity="08",
    )
    report.persons_created += created
    guangxi = School.objects.get(code="10593")
    sysu = School.objects.get(code="10558")
    bachelor, made = _enrollment(
        person,
        EnrollmentPlan(guangxi, "本科", "法学", datetime.date(2014, 9, 6), graduated=True),
        serial=8,
    )
    report.records_created += made
    report.records_created += _qualification(bachelor, 4008, random.Random(SEED))
    number = "2018558" + "00131"
    master = Enrollment.objects.filter(school=sysu, student_number=number).first()
    if master is None:
        master = Enrollment(
            person=person,
            school=sysu,
            level="硕士研究生",
            major="社会保障",
            duration="3",
            category="研究生",  # as the seed document's 学籍 card shows it
            study_mode="全日制",
            branch="政治与公共事务管理学院",
            department="社会保障系",
            class_name="2018级社会保障硕士班",
            student_number=number,
            entry_date=datetime.date(2018, 9, 7),
            expected_graduation_date=datetime.date(2021, 7, 1),
            status="在籍（注册学籍）",
        )
        _attach_photo(master, "admission_photo", "example-master-a")
        _attach_photo(master, "diploma_photo", "example-master-d")
        master.full_clean()
        master.save()
        report.records_created += 1
    return person


def _plans_for(
    rng: random.Random, schools: list[School], birth: datetime.date
) -> list[EnrollmentPlan]:
    start = birth.year + 18
    kind = rng.random()
    school = rng.choice(schools)
    if kind < 0.15:  # 专科 at a 高职 school, then maybe 专升本 elsewhere
        vocational = [s for s in schools if s.code in {"10853", "10857"}] or schools
        plans = [
            EnrollmentPlan(
                rng.choice(vocational), "专科", rng.choice(MAJORS["专科"]),
                datetime.date(start, 9, 1), graduated=start + 3 <= 2025,
            )
        ]  # fmt: skip
        return plans
    bachelor = EnrollmentPlan(
        school, "本科", rng.choice(MAJORS["本科"]), datetime.date(start, 9, 1),
        graduated=start + 4 <= 2025,
    )  # fmt: skip
    plans = [bachelor]
    if bachelor.graduated and kind > 0.6:
        master_start = start + 4
        plans.append(
            EnrollmentPlan(
                rng.choice(schools), "硕士研究生", rng.choice(MAJORS["硕士研究生"]),
                datetime.date(master_start, 9, 1), graduated=master_start + 3 <= 2025,
                study_mode="全日制", category="研究生",
            )
        )  # fmt: skip
        if master_start + 3 <= 2022 and kind > 0.88:
            plans.append(
                EnrollmentPlan(
                    rng.choice(schools), "博士研究生", rng.choice(MAJORS["博士研究生"]),
                    datetime.date(master_start + 3, 9, 1), graduated=False,
                    study_mode="全日制", category="研究生",
                )
            )  # fmt: skip
    return plans


def _exam_and_destination(person: Person, rng: random.Random, schools: list[School]) -> int:
    # Draw every random value first, so a re-run consumes the same numbers whatever exists.
    takes_exam = rng.random() < 0.3
    target_school = rng.choice(schools)
    target_major = rng.choice(MAJORS["硕士研究生"])
    scores = [rng.randint(55, 80), rng.randint(50, 85), rng.randint(80, 130), rng.randint(80, 135)]
    job = rng.choice([DestinationKind.EMPLOYED, DestinationKind.CONTRACT, DestinationKind.FLEXIBLE])

    enrollments = list(person.enrollments.order_by("entry_date"))
    bachelor = next((e for e in enrollments if e.level == "本科"), None)
    if bachelor is None:
        return 0
    created = 0
    year = bachelor.expected_graduation_date.year
    has_master = any(e.level == "硕士研究生" for e in enrollments)
    if year <= 2026 and (has_master or takes_exam):
        if not ExamRegistration.objects.filter(person=person, year=year).exists():
            ExamRegistration.objects.create(
                person=person,
                year=year,
                candidate_number=f"{bachelor.school.code}{year % 100:02d}{person.pk:08d}",
                target_school=target_school,
                target_major=target_major,
                score_politics=scores[0],
                score_foreign_language=scores[1],
                score_subject_1=scores[2],
                score_subject_2=scores[3],
                admission_status=(
                    AdmissionStatus.ADMITTED if has_master else AdmissionStatus.NOT_ADMITTED
                ),
            )
            created += 1
    graduated = bachelor.status == "不在籍（毕业）"
    if graduated and not GraduateDestination.objects.filter(enrollment=bachelor).exists():
        kind = DestinationKind.FURTHER_STUDY if has_master else job
        GraduateDestination.objects.create(
            person=person,
            enrollment=bachelor,
            kind=kind,
            employer="" if kind == DestinationKind.FURTHER_STUDY else "（仿真）某某科技有限公司",
            archive_address="（仿真）生源地人才服务中心",
            verification_number=f"QX{year}{person.pk:08d}",
        )
        created += 1
    return created


@transaction.atomic
def seed(person_count: int = PERSON_COUNT) -> SeedReport:
    report = SeedReport(schools=load_schools())
    schools = list(School.objects.exclude(code__in={"10853", "10857"}).order_by("code"))
    _example_student(report)

    for index in range(person_count - 1):
        # One generator per person: what one person gets never shifts what the next one gets.
        rng = random.Random(f"{SEED}:{index}")
        birth = datetime.date(rng.randint(1980, 2006), rng.randint(1, 12), rng.randint(1, 28))
        sequence = rng.randint(1, 999)
        if index < len(SPECIAL_NAMES) and SPECIAL_NAMES[index][1] is not None:
            # The sex a reader expects from the name: an odd sequence is a man, even a woman.
            sequence = sequence - sequence % 2 + (1 if SPECIAL_NAMES[index][1] == "1" else 0) or 2
        gender = synthetic.gender_of_sequence(sequence)
        area = rng.choice(synthetic.AREA_CODES)
        id_number = synthetic.resident_id(area, birth, sequence)
        name = (
            SPECIAL_NAMES[index][0]
            if index < len(SPECIAL_NAMES)
            else synthetic.chinese_name(rng, gender)
        )
        ethnicity = rng.choice(ETHNIC_MIX)
        if name.startswith("阿依古丽"):
            ethnicity = "05"
        elif name.startswith("扎西"):
            ethnicity = "04"
        person, created = _person(
            name=name,
            id_number=id_number,
            birth=birth,
            gender=gender,
            ethnicity=ethnicity,
        )
        report.persons_created += created
        for offset, plan in enumerate(_plans_for(rng, schools, birth)):
            enrollment, made = _enrollment(person, plan, serial=100 + index * 5 + offset)
            report.records_created += made
            if plan.graduated:
                report.records_created += _qualification(enrollment, 5000 + index * 5 + offset, rng)
        report.records_created += _exam_and_destination(person, rng, schools)
    return report
