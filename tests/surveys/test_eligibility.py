"""Who sees a survey: the banner on the 学籍 page and the archive home; 404 for everyone else."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from records.models import Enrollment, School
from surveys.models import SurveyStatus
from tests.surveys.conftest import EMPLOYED, detail_url, make_survey

pytestmark = pytest.mark.django_db

TITLE = "2020届毕业生就业状况调查（测试）"


def test_an_eligible_student_sees_the_banner_above_the_enrolment_count(student_client, survey):
    html = student_client.get("/archive/xueji/").content.decode()
    assert TITLE in html
    assert detail_url(survey) in html
    assert html.index(TITLE) < html.index("您一共有 2 个学籍")


def test_the_archive_home_shows_the_banner_too(student_client, survey):
    assert detail_url(survey) in student_client.get("/archive/").content.decode()


def test_the_banner_says_what_is_left_to_do(student_client, survey):
    assert "待填写" in student_client.get("/archive/xueji/").content.decode()


def test_the_banner_is_in_english_for_english_readers(student_client, survey):
    student_client.cookies["django_language"] = "en"
    html = student_client.get("/archive/xueji/").content.decode()
    assert "2020 graduates survey (test)" in html
    assert TITLE not in html


def test_the_eligible_student_opens_the_form(student_client, survey):
    response = student_client.get(detail_url(survey))
    assert response.status_code == 200
    assert 'name="q_destination"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_a_student_of_another_cohort_sees_no_banner(other_student_client, survey):
    html = other_student_client.get("/archive/xueji/").content.decode()
    assert TITLE not in html
    assert detail_url(survey) not in html


def test_a_student_of_another_cohort_gets_404(other_student_client, survey):
    assert other_student_client.get(detail_url(survey)).status_code == 404


def test_a_post_from_an_ineligible_student_is_a_404_and_stores_nothing(
    other_student_client, survey
):
    assert other_student_client.post(detail_url(survey), EMPLOYED).status_code == 404
    assert not survey.responses.exists()


def test_an_unknown_survey_is_a_404(student_client, survey):
    url = reverse("surveys:detail", args=[uuid.uuid4()])
    assert student_client.get(url).status_code == 404


@pytest.mark.parametrize(
    "audience",
    [
        {"cohort": 2021},
        {"levels": ["硕士研究生"]},
        {"categories": ["成人高等教育"]},
    ],
)
def test_a_record_outside_the_audience_is_not_eligible(student_client, people, audience):
    other = make_survey(**audience)
    assert student_client.get(detail_url(other)).status_code == 404
    assert detail_url(other) not in student_client.get("/archive/xueji/").content.decode()


def test_a_survey_for_other_schools_is_not_shown(student_client, people):
    other = make_survey()
    other.schools.set([School.objects.get(code="10558")])
    assert student_client.get(detail_url(other)).status_code == 404


def test_a_survey_for_the_students_school_is_shown(student_client, people):
    own = make_survey()
    own.schools.set([School.objects.get(code="10001")])
    assert student_client.get(detail_url(own)).status_code == 200


def test_an_enrolment_ended_by_withdrawal_belongs_to_no_cohort(student_client, survey):
    Enrollment.objects.filter(student_number="1601100051").update(status="不在籍（退学）")
    assert student_client.get(detail_url(survey)).status_code == 404


def test_the_leave_date_decides_the_cohort_when_it_is_registered(student_client, survey):
    Enrollment.objects.filter(student_number="1601100051").update(
        leave_date=datetime.date(2021, 1, 15)
    )
    assert student_client.get(detail_url(survey)).status_code == 404


def test_a_draft_survey_is_a_404_even_for_its_audience(student_client, people):
    draft = make_survey(status=SurveyStatus.DRAFT)
    assert student_client.get(detail_url(draft)).status_code == 404
    assert detail_url(draft) not in student_client.get("/archive/xueji/").content.decode()


def test_a_closed_survey_has_no_banner_but_stays_readable(student_client, people):
    closed = make_survey(status=SurveyStatus.CLOSED)
    assert detail_url(closed) not in student_client.get("/archive/xueji/").content.decode()
    html = student_client.get(detail_url(closed)).content.decode()
    assert "不在填写时间内" in html
    assert 'name="q_destination"' not in html


def test_a_survey_past_its_closing_date_has_no_banner(student_client, people):
    ended = make_survey(closes_on=timezone.localdate() - datetime.timedelta(days=1),
                        opens_on=timezone.localdate() - datetime.timedelta(days=10))  # fmt: skip
    assert detail_url(ended) not in student_client.get("/archive/xueji/").content.decode()


def test_a_student_without_the_identity_check_is_sent_to_it(client, student, survey):
    student.identity_verified_at = None
    student.save()
    client.force_login(student)
    response = client.get(detail_url(survey))
    assert response.status_code == 302
    assert "identity" in response["Location"]


def test_anonymous_visitors_are_sent_to_log_in(client, survey):
    response = client.get(detail_url(survey))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_staff_are_sent_to_the_admin(admin_client_, survey):
    response = admin_client_.get(detail_url(survey))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_the_banner_costs_a_few_queries(student_client, survey, django_assert_max_num_queries):
    from django.template import Context, Template
    from django.test import RequestFactory

    from accounts.models import User

    request = RequestFactory().get("/archive/xueji/")
    request.user = User.objects.select_related("person").get(phone="13900000101")
    template = Template('{% include "surveys/banner.html" %}')
    # Open surveys, their schools, the person's enrolments, the person's responses.
    with django_assert_max_num_queries(4):
        html = template.render(Context({"request": request}))
    assert TITLE in html


def test_no_open_survey_costs_one_query(student, people, django_assert_max_num_queries):
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/archive/xueji/")
    request.user = student
    with django_assert_max_num_queries(1):
        Template('{% include "surveys/banner.html" %}').render(Context({"request": request}))


def test_the_open_surveys_are_read_once_for_many_pages(student_client, survey):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    student_client.get("/archive/xueji/")
    with CaptureQueriesContext(connection) as captured:
        assert TITLE in student_client.get("/archive/xueji/").content.decode()
    tables = [q["sql"].split(" FROM ")[1].split()[0] for q in captured.captured_queries]
    assert '"surveys_survey"' not in tables
    assert '"surveys_survey_schools"' not in tables


def test_a_survey_changed_behind_the_admins_back_shows_within_the_set_time(
    student_client, survey, monkeypatch
):
    import time

    from surveys import eligibility
    from surveys.models import Survey, SurveyStatus

    monkeypatch.setattr(eligibility, "OPEN_SURVEYS_SECONDS", 1)
    assert TITLE in student_client.get("/archive/xueji/").content.decode()
    Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.CLOSED)
    time.sleep(1.2)
    assert TITLE not in student_client.get("/archive/xueji/").content.decode()
