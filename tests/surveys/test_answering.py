"""Answering a survey: drafts, validation, skip rules, one submission, answers read back."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from surveys import forms, services
from surveys.models import Answer, ResponseStatus, SurveyResponse
from tests.surveys.conftest import EMPLOYED, detail_url

pytestmark = pytest.mark.django_db


def submit(client: Client, survey, data: dict, action: str = "submit"):
    return client.post(detail_url(survey), {**data, "action": action})


def stored(survey) -> dict[str, list[object]]:
    found: dict[str, list[object]] = {}
    for answer in Answer.objects.filter(response__survey=survey).select_related("question"):
        value = answer.value or answer.text or answer.number
        found.setdefault(answer.question.key, []).append(value)
    return {key: sorted(values, key=str) for key, values in found.items()}


def test_submitting_stores_every_answer(student_client, survey):
    response = submit(student_client, survey, EMPLOYED)
    assert response.status_code == 302
    assert stored(survey) == {
        "destination": ["employed"], "employer": ["private"], "city": ["440100"],
        "channels": ["campus", "online"], "offers": [3], "province": ["45"],
        "note": ["多办招聘会"],
    }  # fmt: skip


def test_the_response_keeps_the_school_and_level_of_the_matching_enrolment(
    student_client, survey, student
):
    submit(student_client, survey, EMPLOYED)
    response = SurveyResponse.objects.get()
    assert (response.school.code, response.level, response.status) == ("10001", "本科", "submitted")
    assert response.account == student
    assert response.submitted_at is not None


def test_after_submitting_the_answers_are_readable_not_editable(student_client, survey):
    submit(student_client, survey, EMPLOYED)
    html = student_client.get(detail_url(survey)).content.decode()
    assert "已提交" in html
    assert "民营企业" in html
    assert "广东省 广州市" in html
    assert "<form" not in html.split('class="survey-page"')[1]


def test_a_second_submission_changes_nothing(student_client, survey):
    submit(student_client, survey, EMPLOYED)
    response = submit(student_client, survey, {"q_destination": "seeking"})
    assert response.status_code == 302
    assert stored(survey)["destination"] == ["employed"]
    assert SurveyResponse.objects.count() == 1


def test_the_service_refuses_a_second_submission(student, survey):
    enrollment = student.person.enrollments.get(level="本科")
    kwargs = {"survey": survey, "person": student.person, "account": student,
              "enrollment_id": enrollment.pk, "answers": {"destination": "seeking"}}  # fmt: skip
    services.response_submit(**kwargs)
    with pytest.raises(services.AlreadySubmitted):
        services.response_submit(**kwargs)
    assert Answer.objects.count() == 1


def test_the_xueji_page_shows_the_submitted_state_at_once(student_client, survey):
    assert "待填写" in student_client.get("/archive/xueji/").content.decode()
    submit(student_client, survey, EMPLOYED)
    student_client.get(detail_url(survey))  # the message after submitting is shown here
    html = student_client.get("/archive/xueji/").content.decode()
    assert "已提交" in html
    assert "待填写" not in html


def test_a_draft_keeps_partial_answers_and_submits_nothing(student_client, survey):
    submit(student_client, survey, {"q_destination": "employed", "q_offers": "2"}, "draft")
    response = SurveyResponse.objects.get()
    assert response.status == ResponseStatus.DRAFT
    assert response.draft == {"destination": "employed", "offers": 2}
    assert not Answer.objects.exists()


def test_the_form_comes_back_with_the_draft(student_client, survey):
    submit(student_client, survey, {"q_destination": "employed", "q_offers": "2"}, "draft")
    html = student_client.get(detail_url(survey)).content.decode()
    assert 'value="employed" class="form-check-input" id="id_q_destination_0" checked' in html
    assert 'value="2"' in html
    assert "草稿保存于" in html


def test_the_banner_shows_a_saved_draft(student_client, survey):
    submit(student_client, survey, {"q_destination": "study"}, "draft")
    assert "草稿已保存，未提交" in student_client.get("/archive/xueji/").content.decode()


def test_a_draft_with_a_bad_answer_is_not_saved_and_says_why(student_client, survey):
    response = submit(student_client, survey, {"q_offers": "99"}, "draft")
    assert response.status_code == 200
    assert "请填写 0 到 30 之间的整数" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_missing_required_answer_is_named(student_client, survey):
    response = submit(student_client, survey, {"q_offers": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert str(forms.ERR_REQUIRED_CHOICE) in html
    assert "有 1 道题需要修改" in html
    assert not SurveyResponse.objects.exists()


def test_the_form_keeps_what_was_typed_after_an_error(student_client, survey):
    html = submit(student_client, survey, {"q_offers": "1", "q_note": "再多一些实习"}).content
    assert "再多一些实习" in html.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("q_offers", "31", "请填写 0 到 30 之间的整数"),
        ("q_offers", "-1", "请填写 0 到 30 之间的整数"),
        ("q_offers", "两个", str(forms.ERR_NUMBER_INVALID)),
        ("q_note", "字" * 21, "最多填写 20 个字（当前 21 个）"),
        ("q_province", "99", str(forms.ERR_INVALID_CHOICE)),
        ("q_destination", "retired", str(forms.ERR_INVALID_CHOICE)),
    ],
)
def test_each_bad_answer_gets_a_clear_message(student_client, survey, field, value, message):
    data = {**EMPLOYED, field: value}
    response = submit(student_client, survey, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Answer.objects.exists()


def test_a_bad_city_code_is_refused(student_client, survey):
    response = submit(student_client, survey, {**EMPLOYED, "q_city": "440199"})
    assert str(forms.ERR_INVALID_CHOICE) in response.content.decode()


def test_a_skipped_question_is_not_asked(student_client, survey):
    # 单位性质 and 工作所在地 are asked only after 就业: without them the answer is complete.
    submit(student_client, survey, {"q_destination": "seeking"})
    assert stored(survey) == {"destination": ["seeking"]}


def test_answers_to_skipped_questions_are_dropped(student_client, survey):
    submit(student_client, survey, {**EMPLOYED, "q_destination": "study"})
    assert set(stored(survey)) == {"destination", "offers", "province", "note"}


def test_a_question_the_skip_rule_asks_is_required(student_client, survey):
    data = {key: value for key, value in EMPLOYED.items() if key != "q_employer"}
    response = submit(student_client, survey, data)
    assert str(forms.ERR_REQUIRED_CHOICE) in response.content.decode()
    assert not Answer.objects.exists()


def test_skip_rules_chain(student_client, survey):
    # 求职渠道 follows 单位性质 = 民营企业, which follows 毕业去向 = 就业.
    submit(student_client, survey, {**EMPLOYED, "q_employer": "state"})
    assert "channels" not in stored(survey)


def test_the_page_tells_when_a_question_is_asked(student_client, survey):
    html = student_client.get(detail_url(survey)).content.decode()
    assert "仅当第 1 题选择“就业”时填写" in html
    assert 'data-show-if="destination" data-show-values="employed"' in html


def test_a_closed_survey_takes_no_answers(student_client, survey):
    survey.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    survey.opens_on = survey.closes_on - datetime.timedelta(days=5)
    survey.save()
    response = submit(student_client, survey, EMPLOYED)
    assert response.status_code == 302
    assert not SurveyResponse.objects.exists()


def test_a_get_stores_nothing(student_client, survey):
    student_client.get(detail_url(survey), {**EMPLOYED, "action": "submit"})
    assert not SurveyResponse.objects.exists()


def test_other_methods_are_refused(student_client, survey):
    assert student_client.put(detail_url(survey)).status_code == 405


def test_a_post_without_the_csrf_token_is_refused(student, survey):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    assert client.post(detail_url(survey), {**EMPLOYED, "action": "submit"}).status_code == 403
    assert not SurveyResponse.objects.exists()


def test_the_form_works_in_english(student_client, survey):
    student_client.cookies["django_language"] = "en"
    html = submit(student_client, survey, {"q_offers": "1"}).content.decode()
    assert "Destination" in html
    assert "Please choose one" in html


def test_saving_is_throttled_per_account(student_client, survey):
    for _ in range(60):
        submit(student_client, survey, {"q_offers": "1"}, "draft")
    assert submit(student_client, survey, {"q_offers": "2"}, "draft").status_code == 429
    assert SurveyResponse.objects.get().draft == {"offers": 1}
