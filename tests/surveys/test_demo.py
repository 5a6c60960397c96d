"""seed_demo publishes the 2021届 survey with answers, for the seed's example student."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.demo import STUDENT, create_demo_logins
from accounts.models import User
from records import demo as records_demo
from records.models import Person
from surveys import demo, results
from surveys.models import Answer, Survey, SurveyResponse, SurveyStatus
from tests.surveys.conftest import detail_url

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def seeded():
    """The schools, the example student with the demo logins, and the demo survey."""
    records_demo.seed(person_count=1)
    create_demo_logins(Person.objects.get(id_number=records_demo.EXAMPLE_ID))
    demo.seed_survey()
    return demo.SURVEY_ID


def test_the_demo_survey_is_published_and_open(seeded):
    survey = Survey.objects.get(public_id=seeded)
    assert survey.status == SurveyStatus.PUBLISHED
    assert survey.is_open
    assert (survey.cohort, survey.title) == (2021, "2021届普通高校毕业生离校后就业状况调查")
    keys = list(survey.questions.values_list("key", flat=True))
    assert keys[:6] == ["destination", "employer_type", "work_city", "income", "relevance",
                        "job_satisfaction"]  # fmt: skip


def test_the_example_student_sees_it_unanswered(seeded, client):
    client.force_login(User.objects.get(phone=STUDENT.phone))
    html = client.get("/archive/xueji/").content.decode()
    assert demo.TITLE in html
    assert "待填写" in html
    assert html.index(demo.TITLE) < html.index("您一共有 2 个学籍")


def test_part_of_the_graduates_answered_and_the_tables_show_figures(seeded):
    survey = Survey.objects.get(public_id=seeded)
    answered = survey.responses.filter(status="submitted").count()
    assert 40 <= answered <= 90
    found = results.compute(survey)
    destination = found.tables[0]
    assert not destination.base[0].hidden
    assert destination.base[0].count == answered
    assert any(not figure.hidden for row in destination.rows for figure in row.figures[1:])


def test_the_answers_follow_the_skip_rules(seeded):
    working = {"employed", "flexible", "self_employed"}
    for response in SurveyResponse.objects.prefetch_related("answers__question"):
        given = {answer.question.key: answer.value for answer in response.answers.all()}
        assert ("employer_type" in given) == (given["destination"] in working)


def test_seed_demo_adds_the_survey_and_changes_nothing_the_second_time():
    call_command("seed_demo", allow_demo_logins=True, stdout=StringIO())
    counts = (Person.objects.count(), SurveyResponse.objects.count(), Answer.objects.count())
    assert counts[1] > 0
    call_command("seed_demo", allow_demo_logins=True, stdout=StringIO())
    assert (Person.objects.count(), SurveyResponse.objects.count(),
            Answer.objects.count()) == counts  # fmt: skip


def test_the_demo_survey_page_opens_for_the_example_student(seeded, client):
    client.force_login(User.objects.get(phone=STUDENT.phone))
    survey = Survey.objects.get(public_id=seeded)
    assert client.get(detail_url(survey)).status_code == 200
