"""Running surveys in the admin: write, lock after the first answer, preview, publish, close."""

from __future__ import annotations

import pytest
from django.urls import reverse

from surveys import services
from surveys.admin import LOCKED_NOTE
from surveys.admin_forms import ERR_OPTION_LINE
from surveys.models import Question, QuestionsLocked, Survey, SurveyStatus
from tests.surveys.conftest import detail_url, make_survey
from tests.twofactor import verified_login

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:surveys_survey_add")


def inline(prefix: str, rows: list[dict], initial: int = 0) -> dict[str, object]:
    data: dict[str, object] = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


QUESTION_ROWS = [
    {"position": 1, "key": "destination", "kind": "single", "required": "on",
     "text": "毕业去向", "max_length": 200,
     "options": "employed | 就业 | Employed\nstudy | 升学 | Further study"},
    {"position": 2, "key": "employer", "kind": "single", "required": "on",
     "text": "单位性质", "max_length": 200, "options": "state | 国有企业\nprivate | 民营企业",
     "show_if_key": "destination", "show_if_values": "employed"},
]  # fmt: skip


def survey_post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "2025届毕业生调查",
        "title_en": "",
        "intro": "",
        "intro_en": "",
        "cohort": 2025,
        "levels": ["本科", "硕士研究生"],
        "categories": ["普通高等教育"],
        "opens_on": "2025-07-01",
        "closes_on": "2099-12-31",
        **inline("questions", QUESTION_ROWS),
    }
    data.update(overrides)
    return data


def test_a_national_administrator_writes_a_survey_with_questions(admin_client_, admin_user):
    response = admin_client_.post(ADD_URL, survey_post())
    assert response.status_code == 302
    survey = Survey.objects.get()
    assert (survey.status, survey.created_by, survey.levels) == (
        "draft", admin_user, ["本科", "硕士研究生"]
    )  # fmt: skip
    employer = survey.questions.get(key="employer")
    assert employer.options[1] == {"value": "private", "label": "民营企业", "label_en": ""}
    assert (employer.show_if_key, employer.show_if_values) == ("destination", ["employed"])


def test_a_badly_written_option_says_how_to_write_it(admin_client_):
    rows = [{**QUESTION_ROWS[0], "options": "employed 就业"}]
    response = admin_client_.post(ADD_URL, survey_post(**inline("questions", rows)))
    assert response.status_code == 200
    assert str(ERR_OPTION_LINE) % {"line": 1} in response.content.decode()
    assert not Survey.objects.exists()


def test_a_skip_rule_must_point_to_an_earlier_choice_question(admin_client_):
    rows = [{**QUESTION_ROWS[0], "position": 3}, QUESTION_ROWS[1]]
    response = admin_client_.post(ADD_URL, survey_post(**inline("questions", rows)))
    assert "第 2 题的显示条件" in response.content.decode()
    assert not Survey.objects.exists()


def test_a_number_question_needs_its_bounds(admin_client_):
    rows = [{"position": 1, "key": "offers", "kind": "number", "text": "offer 数量",
             "max_length": 200, "min_value": 0}]  # fmt: skip
    response = admin_client_.post(ADD_URL, survey_post(**inline("questions", rows)))
    assert "数字题须填写最小值和最大值" in response.content.decode()


def test_registrars_and_support_staff_cannot_write_surveys(registrar_a_client):
    assert registrar_a_client.post(ADD_URL, survey_post()).status_code == 403
    assert not Survey.objects.exists()


# --- locked after the first answer ----------------------------------------------------------


@pytest.fixture
def answered(student, survey):
    """张测试 has submitted the survey."""
    services.response_submit(
        survey=survey, person=student.person, account=student,
        enrollment_id=student.person.enrollments.get(level="本科").pk,
        answers={"destination": "employed", "employer": "private", "city": "440100"},
    )  # fmt: skip
    assert survey.has_answers
    return survey


def test_a_question_of_an_answered_survey_cannot_be_saved(answered):
    question = answered.questions.get(key="destination")
    question.text = "您的毕业去向"
    with pytest.raises(QuestionsLocked):
        question.save()


def test_a_question_of_an_answered_survey_cannot_be_deleted_or_added(answered):
    with pytest.raises(QuestionsLocked):
        answered.questions.get(key="note").delete()
    with pytest.raises(QuestionsLocked):
        Question.objects.create(survey=answered, position=9, key="extra", kind="text", text="x")


def change_post(survey: Survey, text: str) -> dict[str, object]:
    rows = []
    for question in survey.questions.all():
        rows.append({
            "id": question.pk, "survey": survey.pk, "position": question.position,
            "key": question.key, "kind": question.kind,
            "required": "on" if question.required else "",
            "text": text if question.key == "destination" else question.text,
            "max_length": question.max_length,
            "options": "\n".join(f"{o['value']} | {o['label']}" for o in question.options),
            "min_value": "" if question.min_value is None else question.min_value,
            "max_value": "" if question.max_value is None else question.max_value,
            "show_if_key": question.show_if_key,
            "show_if_values": ",".join(question.show_if_values),
        })  # fmt: skip
    return {
        "title": survey.title, "title_en": survey.title_en, "intro": "", "intro_en": "",
        "cohort": survey.cohort, "levels": survey.levels, "categories": survey.categories,
        "opens_on": survey.opens_on.isoformat(), "closes_on": survey.closes_on.isoformat(),
        **inline("questions", rows, initial=len(rows)),
    }  # fmt: skip


def test_before_any_answer_the_questions_can_change(admin_client_, survey):
    url = reverse("admin:surveys_survey_change", args=[survey.pk])
    response = admin_client_.post(url, change_post(survey, "您的毕业去向"))
    assert response.status_code == 302
    assert survey.questions.get(key="destination").text == "您的毕业去向"


def test_after_the_first_answer_the_admin_keeps_the_questions(admin_client_, answered):
    url = reverse("admin:surveys_survey_change", args=[answered.pk])
    page = admin_client_.get(url).content.decode()
    assert str(LOCKED_NOTE) in page
    admin_client_.post(url, change_post(answered, "您的毕业去向"))
    assert answered.questions.get(key="destination").text == "毕业去向"


def test_the_closing_date_can_still_move_after_answers(admin_client_, answered):
    url = reverse("admin:surveys_survey_change", args=[answered.pk])
    data = change_post(answered, "毕业去向")
    data["closes_on"] = "2099-01-31"
    assert admin_client_.post(url, data).status_code == 302
    answered.refresh_from_db()
    assert str(answered.closes_on) == "2099-01-31"


def test_a_new_version_copies_the_questions_as_a_draft(admin_client_, answered):
    url = reverse("admin:surveys_survey_new_version", args=[answered.pk])
    assert admin_client_.post(url).status_code == 302
    copy = Survey.objects.get(version=2)
    assert (copy.series, copy.status) == (answered.series, SurveyStatus.DRAFT)
    assert list(copy.questions.values_list("key", flat=True)) == list(
        answered.questions.values_list("key", flat=True)
    )
    question = copy.questions.get(key="destination")
    question.text = "您的毕业去向"
    question.save()  # the new version is free to change


def test_publishing_a_new_version_closes_the_old_one(admin_user, answered, student_client):
    copy = services.survey_new_version(survey=answered, by=admin_user)
    services.survey_publish(survey=copy, by=admin_user)
    answered.refresh_from_db()
    assert answered.status == SurveyStatus.CLOSED
    # The student answered version 1: version 2 shows as answered, not as a new request.
    html = student_client.get("/archive/xueji/").content.decode()
    assert detail_url(copy) in html
    assert "已提交" in html
    assert "待填写" not in html


# --- preview, publish, close -----------------------------------------------------------------


def test_the_preview_shows_the_students_form(admin_client_, survey):
    html = admin_client_.get(reverse("admin:surveys_survey_preview", args=[survey.pk])).content
    assert 'name="q_destination"' in html.decode()
    assert "预览" in html.decode()


def test_the_preview_checks_answers_and_stores_nothing(admin_client_, survey):
    url = reverse("admin:surveys_survey_preview", args=[survey.pk])
    html = admin_client_.post(url, {"q_offers": "99"}).content.decode()
    assert "请填写 0 到 30 之间的整数" in html
    assert "请选择一项" in html
    assert "答案检查通过" in admin_client_.post(url, {"q_destination": "study"}).content.decode()
    assert not survey.responses.exists()


def test_publishing_needs_a_post(admin_client_, people):
    draft = make_survey(status=SurveyStatus.DRAFT)
    url = reverse("admin:surveys_survey_publish", args=[draft.pk])
    assert admin_client_.get(url).status_code == 405
    assert admin_client_.post(url).status_code == 302
    draft.refresh_from_db()
    assert draft.status == SurveyStatus.PUBLISHED
    assert draft.published_at is not None


def test_a_survey_without_questions_is_not_published(admin_client_, admin_user, people):
    empty = Survey.objects.create(title="空调查", cohort=2020, levels=["本科"],
                                  categories=["普通高等教育"], opens_on="2020-01-01",
                                  closes_on="2099-01-01")  # fmt: skip
    response = admin_client_.post(
        reverse("admin:surveys_survey_publish", args=[empty.pk]), follow=True
    )
    assert str(services.ERR_PUBLISH_NO_QUESTIONS) in response.content.decode()
    empty.refresh_from_db()
    assert empty.status == SurveyStatus.DRAFT


def test_closing_stops_the_banner(admin_user, survey, student_client, client_factory):
    verified_login(client_factory(), admin_user).post(
        reverse("admin:surveys_survey_close", args=[survey.pk])
    )
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED
    assert detail_url(survey) not in student_client.get("/archive/xueji/").content.decode()


def test_a_registrar_cannot_publish_or_close(registrar_a_client, people):
    draft = make_survey(status=SurveyStatus.DRAFT)
    response = registrar_a_client.post(reverse("admin:surveys_survey_publish", args=[draft.pk]))
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == SurveyStatus.DRAFT


def test_survey_pages_need_the_totp_step(client, admin_user, survey):
    client.force_login(admin_user)
    response = client.get(reverse("admin:surveys_survey_results", args=[survey.pk]))
    assert response.status_code == 302
    assert "/account/staff/2fa/" in response["Location"]
