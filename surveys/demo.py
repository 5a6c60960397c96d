"""The demo survey: 2021届普通高校毕业生离校后就业状况调查, published, with answers.

The seed's example student (韦明华, 硕士 at 中山大学, 2018–2021) is 2021届 and sees it on the
学籍 page, unanswered. So that the result tables have figures above the "<5" threshold, the demo
adds a cohort of synthetic 2021届 graduates (one 学籍 each, at a few schools; some of them
成人高等教育, outside the audience) and about two thirds of the eligible ones answer.

Everything comes from fixed random seeds and is keyed on natural keys (学号, the survey's
public id), so running seed_demo again finds what is there and changes nothing.
"""

from __future__ import annotations

import datetime
import random
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from records import scale, synthetic
from records.demo import EXAMPLE_ID
from records.demo_photos import portrait
from records.identity import IdType
from records.models import Enrollment, Person, School
from records.photos import private_storage

from . import regions
from .eligibility import eligible_enrollments
from .models import (
    Answer,
    Question,
    QuestionKind,
    ResponseStatus,
    Survey,
    SurveyResponse,
    SurveyStatus,
)
from .services import answer_rows

SEED = 20210701
SURVEY_ID = uuid.UUID("5a1f0c2e-2021-4b6a-9c1d-000000002021")
COHORT_SIZE = 90
ANSWER_SHARE = 0.68
PHOTO_NAME = "admission/survey-cohort-placeholder.jpg"
# (院校代码, weight): the demo registrar's 中山大学 gets enough graduates to show figures.
COHORT_SCHOOLS = [("10558", 26), ("10593", 14), ("10001", 12), ("10335", 10), ("10486", 10),
                  ("10561", 8), ("10853", 10)]  # fmt: skip
COHORT_MAJORS = {
    "本科": ["计算机科学与技术", "汉语言文学", "法学", "会计学", "机械工程", "英语"],
    "硕士研究生": ["社会保障", "软件工程", "应用经济学"],
    "专科": ["软件技术", "电子商务", "建筑工程技术"],
}

TITLE = "2021届普通高校毕业生离校后就业状况调查"
TITLE_EN = "Survey of 2021 graduates: employment after leaving school"
INTRO = (
    "为了解2021届普通高校毕业生离校后的就业状况，改进高校人才培养和就业指导工作，请您用约"
    "3分钟填写本问卷。答卷仅用于统计分析，学校只能看到汇总数据，看不到个人答卷。"
    "（本调查为仿真系统的演示数据。）"
)
INTRO_EN = (
    "To learn how 2021 graduates are doing after leaving school and to improve teaching and "
    "career guidance, please take about 3 minutes to answer. Answers are used for statistics "
    "only: schools see totals, never an individual's answers. (Demo data of a simulation.)"
)

WORKING = ["employed", "flexible", "self_employed"]


def _options(*rows: tuple[str, str, str]) -> list[dict[str, str]]:
    return [
        {"value": value, "label": label, "label_en": label_en} for value, label, label_en in rows
    ]


SCALE_5 = _options(
    ("5", "很满意", "Very satisfied"),
    ("4", "满意", "Satisfied"),
    ("3", "一般", "Neutral"),
    ("2", "不满意", "Dissatisfied"),
    ("1", "很不满意", "Very dissatisfied"),
)

QUESTIONS: list[dict[str, object]] = [
    {
        "key": "destination",
        "kind": QuestionKind.SINGLE,
        "text": "您目前的毕业去向是？",
        "text_en": "What are you doing now?",
        "options": _options(
            ("employed", "就业（签订就业协议或劳动合同）", "Employed (contract signed)"),
            ("flexible", "灵活就业", "Flexible employment"),
            ("further_study", "升学（国内）", "Further study in China"),
            ("abroad", "出国、出境", "Study or work abroad"),
            ("self_employed", "自主创业", "Running my own business"),
            ("seeking", "待就业", "Still looking for work"),
            ("other", "其他（如应征入伍、备考）", "Other (e.g. military service, exams)"),
        ),
    },
    {
        "key": "employer_type",
        "kind": QuestionKind.SINGLE,
        "text": "您所在单位的性质是？",
        "text_en": "What kind of employer do you work for?",
        "show_if_key": "destination",
        "show_if_values": WORKING,
        "options": _options(
            ("government", "党政机关", "Government or Party organ"),
            (
                "public",
                "事业单位（学校、医院、科研院所等）",
                "Public institution (school, hospital, research)",
            ),
            ("state", "国有企业", "State-owned enterprise"),
            ("private", "民营企业", "Private enterprise"),
            ("foreign", "外资或合资企业", "Foreign or joint-venture enterprise"),
            ("other", "其他", "Other"),
        ),
    },  # fmt: skip
    {
        "key": "work_city",
        "kind": QuestionKind.CITY,
        "text": "您的工作所在地是？",
        "text_en": "Where do you work?",
        "show_if_key": "destination",
        "show_if_values": WORKING,
    },
    {
        "key": "income",
        "kind": QuestionKind.SINGLE,
        "text": "您目前的月收入（税前）是？",
        "text_en": "Your monthly income before tax:",
        "show_if_key": "destination",
        "show_if_values": WORKING,
        "options": _options(
            ("lt3000", "3000元以下", "Under 3,000 yuan"),
            ("3000", "3000–4999元", "3,000–4,999 yuan"),
            ("5000", "5000–7999元", "5,000–7,999 yuan"),
            ("8000", "8000–11999元", "8,000–11,999 yuan"),
            ("12000", "12000元及以上", "12,000 yuan or more"),
        ),
    },
    {
        "key": "relevance",
        "kind": QuestionKind.SINGLE,
        "text": "您的工作与所学专业的相关程度是？",
        "text_en": "How closely is your work related to your major?",
        "show_if_key": "destination",
        "show_if_values": WORKING,
        "options": _options(
            ("5", "很相关", "Very closely"),
            ("4", "比较相关", "Fairly closely"),
            ("3", "一般", "Somewhat"),
            ("2", "不太相关", "Hardly"),
            ("1", "很不相关", "Not at all"),
        ),
    },
    {
        "key": "job_satisfaction",
        "kind": QuestionKind.SINGLE,
        "text": "您对目前工作的满意度是？",
        "text_en": "How satisfied are you with your job?",
        "show_if_key": "destination",
        "show_if_values": WORKING,
        "options": SCALE_5,
    },
    {
        "key": "channels",
        "kind": QuestionKind.MULTIPLE,
        "required": False,
        "text": "您是通过哪些渠道找到目前工作的？（可多选）",
        "text_en": "How did you find your job? (choose all that apply)",
        "show_if_key": "destination",
        "show_if_values": WORKING,
        "options": _options(
            ("campus", "学校招聘会或就业网站", "Campus job fairs or the school's career site"),
            ("online", "社会招聘网站或App", "Job websites or apps"),
            ("internship", "实习后留用", "Kept on after an internship"),
            ("referral", "亲友介绍", "Family or friends"),
            ("other", "其他", "Other"),
        ),
    },  # fmt: skip
    {
        "key": "study_province",
        "kind": QuestionKind.PROVINCE,
        "text": "您升学院校所在的省份是？",
        "text_en": "In which province do you study now?",
        "show_if_key": "destination",
        "show_if_values": ["further_study"],
    },
    {
        "key": "offers",
        "kind": QuestionKind.NUMBER,
        "required": False,
        "min_value": 0,
        "max_value": 30,
        "text": "毕业前您共收到几份录用通知（offer）？",
        "text_en": "How many job offers did you receive before graduating?",
        "hint": "没有请填 0",
        "hint_en": "Enter 0 if none",
    },
    {
        "key": "guidance_satisfaction",
        "kind": QuestionKind.SINGLE,
        "text": "您对母校就业指导服务的满意度是？",
        "text_en": "How satisfied are you with your school's career guidance?",
        "options": SCALE_5,
    },
    {
        "key": "suggestions",
        "kind": QuestionKind.TEXT,
        "required": False,
        "max_length": 300,
        "text": "您对母校人才培养和就业指导有什么意见或建议？",
        "text_en": "Any suggestions for your school's teaching or career guidance?",
    },
]

# How the synthetic graduates answer: weights per option, roughly like published reports.
DESTINATION_WEIGHTS = {"employed": 50, "flexible": 12, "further_study": 16, "abroad": 5,
                       "self_employed": 3, "seeking": 9, "other": 5}  # fmt: skip
EMPLOYER_WEIGHTS = {"government": 6, "public": 18, "state": 22, "private": 44, "foreign": 7,
                    "other": 3}  # fmt: skip
INCOME_WEIGHTS = {"lt3000": 6, "3000": 22, "5000": 38, "8000": 22, "12000": 12}
SCALE_WEIGHTS = {"5": 22, "4": 41, "3": 26, "2": 8, "1": 3}
WORK_CITIES = ["440100", "440300", "110000", "310000", "450100", "330100", "420100", "440600",
               "510100", "320100"]  # fmt: skip
STUDY_PROVINCES = ["44", "11", "31", "42", "32", "45"]
SUGGESTIONS = ["希望学校多组织行业企业来校招聘。", "建议增加实习实践环节。",
               "就业指导课可以更早开设。", ""]  # fmt: skip


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _placeholder_photo() -> str:
    if not private_storage.exists(PHOTO_NAME):
        private_storage.save(PHOTO_NAME, ContentFile(portrait("survey-cohort")))
    return PHOTO_NAME


def _free_id_number(area: str, birth: datetime.date, sequence: int) -> str:
    """A valid ID number no one holds yet, trying the following sequence numbers if needed."""
    for step in range(999):
        number = synthetic.resident_id(area, birth, (sequence + step * 2 - 1) % 998 + 1)
        if not Person.objects.filter(id_type=IdType.RESIDENT_ID, id_number=number).exists():
            return number
    raise RuntimeError("no free ID number")  # pragma: no cover - 999 tries per birth date


def _category(level: str, adult: bool) -> str:
    # Graduate students' records read 研究生, as on the real site.
    if level.endswith("研究生"):
        return "研究生"
    return "成人高等教育" if adult else "普通高等教育"


def _graduate(index: int, schools: dict[str, School], photo: str) -> bool:
    """One synthetic 2021届 graduate with one 学籍; False if already there."""
    rng = random.Random(f"{SEED}:graduate:{index}")
    codes_, weights = zip(*COHORT_SCHOOLS, strict=True)
    school = schools[rng.choices(codes_, weights=weights)[0]]
    if school.code == "10853":
        level = "专科"
    else:
        level = "硕士研究生" if rng.random() < 0.22 else "本科"
    adult = rng.random() < 0.08 and level != "硕士研究生"
    years = {"本科": 4, "硕士研究生": 3, "专科": 3}[level]
    entry = datetime.date(2021 - years, 9, 1)
    birth = datetime.date(entry.year - (22 if level == "硕士研究生" else 18), rng.randint(1, 12),
                          rng.randint(1, 28))  # fmt: skip
    sequence = rng.randint(1, 998)
    area = rng.choice(synthetic.AREA_CODES)
    major = rng.choice(COHORT_MAJORS[level])
    number = f"{entry.year}{school.code[-3:]}7{index:04d}"
    if Enrollment.objects.filter(school=school, student_number=number).exists():
        return False
    id_number = _free_id_number(area, birth, sequence)
    gender = synthetic.gender_of_sequence(int(id_number[14:17]))
    person = Person(
        name=synthetic.chinese_name(rng, gender),
        gender=gender,
        birth_date=birth,
        ethnicity=rng.choice(["01"] * 8 + ["08", "03"]),
        id_type=IdType.RESIDENT_ID,
        id_number=id_number,
    )
    # The model's rules; the database checks its constraints on insert (as fast as it gets).
    person.full_clean(validate_constraints=False)
    person.save()
    enrollment = Enrollment(
        person=person,
        school=school,
        level=level,
        major=major,
        duration=str(years),
        category=_category(level, adult),
        study_mode="业余" if adult else ("全日制" if level == "硕士研究生" else "普通全日制"),
        department=f"{major}系",
        class_name=f"{major[:2]}{str(entry.year)[2:]}01班",
        student_number=number,
        entry_date=entry,
        expected_graduation_date=datetime.date(2021, 7, 1),
        leave_date=datetime.date(2021, 6, 30),
        status="不在籍（毕业）",
    )
    enrollment.admission_photo.name = photo
    enrollment.diploma_photo.name = photo
    enrollment.full_clean(exclude=["admission_photo", "diploma_photo"], validate_constraints=False)
    enrollment.save()
    return True


def _survey(today: datetime.date) -> Survey:
    survey = Survey.objects.filter(public_id=SURVEY_ID).first()
    if survey is not None:
        return survey
    survey = Survey.objects.create(
        public_id=SURVEY_ID,
        title=TITLE,
        title_en=TITLE_EN,
        intro=INTRO,
        intro_en=INTRO_EN,
        cohort=2021,
        levels=["专科", "本科", "硕士研究生", "博士研究生"],
        categories=["普通高等教育", "研究生"],
        # Open while the demo is used: from two weeks before it was seeded, for half a year.
        opens_on=today - datetime.timedelta(days=14),
        closes_on=today + datetime.timedelta(days=180),
        status=SurveyStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    for position, spec in enumerate(QUESTIONS, 1):
        question = Question(survey=survey, position=position, **spec)
        question.full_clean()
        question.save()
    return survey


def _answers(rng: random.Random) -> dict[str, object]:
    destination = _pick(rng, DESTINATION_WEIGHTS)
    answers: dict[str, object] = {"destination": destination}
    if destination in WORKING:
        answers["employer_type"] = _pick(rng, EMPLOYER_WEIGHTS)
        answers["work_city"] = rng.choice(WORK_CITIES)
        answers["income"] = _pick(rng, INCOME_WEIGHTS)
        answers["relevance"] = _pick(rng, SCALE_WEIGHTS)
        answers["job_satisfaction"] = _pick(rng, SCALE_WEIGHTS)
        answers["channels"] = sorted(
            rng.sample(["campus", "online", "internship", "referral", "other"], rng.randint(1, 2))
        )
    if destination == "further_study":
        answers["study_province"] = rng.choice(STUDY_PROVINCES)
    answers["offers"] = rng.randint(0, 4) if destination != "further_study" else rng.randint(0, 1)
    answers["guidance_satisfaction"] = _pick(rng, SCALE_WEIGHTS)
    if suggestion := rng.choice(SUGGESTIONS):
        answers["suggestions"] = suggestion
    return answers


def _respond(survey: Survey, example: Person | None) -> int:
    """Answers from part of the eligible graduates (never the example student); new ones only."""
    questions = list(survey.questions.all())
    answered = set(survey.responses.values_list("person_id", flat=True))
    enrollments = (
        eligible_enrollments(survey)
        .exclude(student_number__startswith=scale.STUDENT_NUMBER_PREFIX)
        .select_related("person")
        .order_by("school__code", "student_number")
    )
    made = 0
    for enrollment in enrollments:
        rng = random.Random(f"{SEED}:answer:{enrollment.student_number}")
        if rng.random() > ANSWER_SHARE or enrollment.person_id in answered:
            continue
        if example is not None and enrollment.person_id == example.pk:
            continue
        answers = _answers(rng)
        submitted = timezone.make_aware(
            datetime.datetime.combine(survey.opens_on, datetime.time(9))
            + datetime.timedelta(minutes=rng.randint(0, 13 * 24 * 60))
        )
        response = SurveyResponse.objects.create(
            survey=survey,
            person=enrollment.person,
            enrollment=enrollment,
            school_id=enrollment.school_id,
            level=enrollment.level,
            category=enrollment.category,
            status=ResponseStatus.SUBMITTED,
            submitted_at=submitted,
        )
        Answer.objects.bulk_create(answer_rows(response, questions, answers))
        answered.add(enrollment.person_id)
        made += 1
    return made


@transaction.atomic
def seed_survey() -> list[str]:
    regions.cities()  # fail early if the code list cannot be read
    schools = {school.code: school for school in School.objects.filter(
        code__in=[code for code, _weight in COHORT_SCHOOLS])}  # fmt: skip
    photo = _placeholder_photo()
    created = sum(_graduate(index, schools, photo) for index in range(COHORT_SIZE))
    survey = _survey(timezone.localdate())
    example = Person.objects.filter(id_number=EXAMPLE_ID).first()
    answered = _respond(survey, example) if survey.status == SurveyStatus.PUBLISHED else 0
    total = survey.responses.filter(status=ResponseStatus.SUBMITTED).count()
    return [
        f"Survey: {survey.title} ({survey.opens_on} – {survey.closes_on}); "
        f"2021届 graduates created: {created}; answers added: {answered}, in all: {total}"
    ]
