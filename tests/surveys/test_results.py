"""Result tables: counts per question, 层次 and school; "<5" for small figures; scoping."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AccessLog
from records.models import School
from surveys import results, services
from surveys.models import SurveyResponse
from tests.factories import EnrollmentFactory, PersonFactory
from tests.surveys.conftest import make_survey

pytestmark = pytest.mark.django_db


def test_figures_under_five_are_hidden():
    values = {("a", 0): 7, ("b", 0): 4, ("c", 0): 0, ("d", 0): 12}
    assert results.protect(values, []) == {("b", 0): "<5", ("c", 0): "<5"}


def test_a_lone_hidden_figure_that_subtraction_would_reveal_takes_another_with_it():
    # base 10 = a 7 + b 3: hiding b alone would leave 10 - 7 = 3 for anyone to work out.
    values = {("base", 0): 10, ("a", 0): 7, ("b", 0): 3}
    hidden = results.protect(values, [[("base", 0), ("a", 0), ("b", 0)]])
    assert hidden == {("b", 0): "<5", ("a", 0): "—"}


def test_hiding_spreads_until_no_line_has_one_hidden_figure():
    values = {(r, c): v for (r, c), v in {
        ("x", "all"): 20, ("x", "p"): 12, ("x", "q"): 8,
        ("y", "all"): 9, ("y", "p"): 3, ("y", "q"): 6,
    }.items()}  # fmt: skip
    lines = [[("x", "all"), ("x", "p"), ("x", "q")], [("y", "all"), ("y", "p"), ("y", "q")],
             [("x", "p"), ("y", "p")], [("x", "q"), ("y", "q")]]  # fmt: skip
    hidden = results.protect(values, lines)
    for line in lines:
        assert sum(cell in hidden for cell in line) != 1


def graduates(survey, school_code: str, level: str, destinations: list[str]) -> None:
    """People of the survey's cohort at a school who answer 毕业去向 as given."""
    school = School.objects.get(code=school_code)
    for destination in destinations:
        enrollment = EnrollmentFactory.create(
            school=school, level=level, person=PersonFactory.create(), admission_photo="",
            diploma_photo="", status="不在籍（毕业）",
        )  # fmt: skip
        services.response_submit(
            survey=survey, person=enrollment.person, account=None,
            enrollment_id=enrollment.pk, answers={"destination": destination, "offers": 2},
        )  # fmt: skip


@pytest.fixture
def answered(people):
    """A 2023届 survey (本科, 硕士): 北京大学 本科 6 就业 + 2 升学; 中山大学 本科 7 就业 + 1 待就业;
    中山大学 硕士 6 就业. (李另一 and 张测试's 硕士 are eligible too, and have not answered.)"""
    survey = make_survey(cohort=2023, levels=["本科", "硕士研究生"])
    graduates(survey, "10001", "本科", ["employed"] * 6 + ["study"] * 2)
    graduates(survey, "10558", "本科", ["employed"] * 7 + ["seeking"])
    graduates(survey, "10558", "硕士研究生", ["employed"] * 6)
    return survey


def results_url(survey, **query: str) -> str:
    url = reverse("admin:surveys_survey_results", args=[survey.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def destination_rows(found: results.Results) -> dict[str, list[str]]:
    table = next(t for t in found.tables if t.question.key == "destination")
    rows = {"答题人数": [str(figure) for figure in table.base]}
    rows.update({row.label: [str(f) for f in row.figures] for row in table.rows})
    return rows


def test_national_figures_count_every_school(answered):
    found = results.compute(answered)
    assert [label for _key, label in found.columns] == ["全部", "硕士研究生", "本科"]
    rows = destination_rows(found)
    assert rows["答题人数"] == ["22", "6", "16"]
    assert rows["就业"] == ["19", "6", "13"]
    assert rows["升学"] == ["<5", "<5", "<5"]
    assert rows["待就业"] == ["<5", "<5", "<5"]


def test_a_figure_that_would_reveal_a_small_one_is_hidden_too(people):
    survey = make_survey(cohort=2023, levels=["本科", "硕士研究生"])
    graduates(survey, "10001", "本科", ["employed"] * 6 + ["study"] * 2)
    graduates(survey, "10558", "本科", ["employed"] * 7 + ["seeking"])
    graduates(survey, "10558", "硕士研究生", ["employed"] * 3 + ["study"] * 3)
    rows = destination_rows(results.compute(survey))
    # 就业: 全部 16 = 硕士 3 + 本科 13. With only the 3 hidden, 16 - 13 would give it away.
    assert rows["就业"] == ["16", "<5", "—"]
    # 全部 column: 22 answered = 就业 16 + 升学 5 + 待就业 1: 升学 goes too, or 待就业 shows.
    assert rows["升学"] == ["—", "<5", "<5"]
    assert rows["答题人数"] == ["22", "6", "16"]


def test_one_schools_figures_leave_the_others_out(answered):
    rows = destination_rows(results.compute(answered, School.objects.get(code="10001")))
    # Nobody at 北京大学 is a 2023届 硕士: that column is not shown.
    assert rows["答题人数"] == ["8", "8"]
    assert rows["就业"] == ["6", "6"]


def test_a_small_group_shows_only_hidden_figures(answered):
    small = make_survey(cohort=2023, levels=["本科"])
    graduates(small, "10001", "本科", ["employed"] * 3)
    rows = destination_rows(results.compute(small))
    assert rows["答题人数"] == ["<5", "<5"]
    assert rows["就业"] == ["<5", "<5"]


def test_the_results_page_shows_the_counts_to_a_national_administrator(admin_client_, answered):
    html = admin_client_.get(results_url(answered)).content.decode()
    assert "北京大学（10001）" in html
    assert "中山大学（10558）" in html
    assert "<td>19 <span" in html
    assert "&lt;5" in html


def test_a_registrar_sees_only_their_own_schools_figures(registrar_b_client, answered):
    html = registrar_b_client.get(results_url(answered)).content.decode()
    assert "中山大学" in html
    assert "北京大学（10001）" not in html
    found = results.compute(answered, School.objects.get(code="10558"))
    assert destination_rows(found)["就业"] == ["13", "6", "7"]
    assert "<td>13 <span" in html
    assert "<td>19" not in html


def test_a_registrar_cannot_ask_for_another_school(registrar_b_client, answered):
    html = registrar_b_client.get(results_url(answered, school="10001")).content.decode()
    assert "<td>13 <span" in html
    assert "<td>19 <span" not in html


def test_a_registrar_cannot_see_a_survey_not_addressed_to_their_school(
    registrar_b_client, answered
):
    answered.schools.set([School.objects.get(code="10001")])
    assert registrar_b_client.get(results_url(answered)).status_code in (302, 404)


def test_a_registrars_survey_list_has_no_total_of_other_schools(registrar_b_client, answered):
    html = registrar_b_client.get(reverse("admin:surveys_survey_changelist")).content.decode()
    assert answered.title in html
    assert "已提交答卷" not in html


def test_a_registrar_never_reaches_individual_answers(registrar_b_client, answered):
    response = SurveyResponse.objects.filter(school__code="10558").first()
    assert registrar_b_client.get(
        reverse("admin:surveys_surveyresponse_changelist")
    ).status_code == 403  # fmt: skip
    url = reverse("admin:surveys_surveyresponse_change", args=[response.pk])
    assert registrar_b_client.get(url).status_code in (302, 403)
    assert not AccessLog.objects.exists()


def test_support_staff_see_no_results(client, answered):
    from tests.factories import UserFactory
    from tests.twofactor import verified_login

    support = UserFactory(phone="13900000401", is_staff=True)
    verified_login(client, support)
    assert client.get(results_url(answered)).status_code in (302, 404)


def test_each_read_of_an_individual_answer_is_logged(admin_client_, admin_user, answered):
    response = SurveyResponse.objects.select_related("person").first()
    url = reverse("admin:surveys_surveyresponse_change", args=[response.pk])
    page = admin_client_.get(url, REMOTE_ADDR="203.0.113.9")
    assert page.status_code == 200
    assert "就业" in page.content.decode()
    admin_client_.get(url)
    entries = AccessLog.objects.filter(action="view_survey_answers")
    assert entries.count() == 2
    entry = entries.first()
    assert entry.actor == admin_user
    assert entry.path == url
    assert response.person.masked_id_number in entry.target
    assert response.person.id_number not in entry.target


def test_the_list_of_responses_logs_nothing_and_shows_no_answers(admin_client_, answered):
    html = admin_client_.get(reverse("admin:surveys_surveyresponse_changelist")).content.decode()
    assert "待就业" not in html.split('id="result_list"')[1]
    assert not AccessLog.objects.exists()


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_export_has_the_same_hidden_figures(admin_client_, answered):
    url = reverse("admin:surveys_survey_export", args=[answered.pk, "csv"])
    rows = read_csv(admin_client_.get(url))
    employed = [row for row in rows if row[3] == "就业"]
    assert [row[5] for row in employed] == ["19", "6", "13"]
    assert AccessLog.objects.get().action == "export"


def test_a_registrars_export_holds_only_their_school(registrar_b_client, answered):
    url = reverse("admin:surveys_survey_export", args=[answered.pk, "csv"])
    rows = read_csv(registrar_b_client.get(url + "?school=10001"))
    employed = [row for row in rows if row[3] == "就业"]
    assert [row[5] for row in employed] == ["13", "6", "7"]
    assert not any("北京大学" in cell for row in rows for cell in row)


def test_the_xlsx_export_opens_as_a_workbook(admin_client_, answered):
    url = reverse("admin:surveys_survey_export", args=[answered.pk, "xlsx"])
    response = admin_client_.get(url)
    book = load_workbook(io.BytesIO(response.content))
    values = [row for row in book.worksheets[0].iter_rows(values_only=True) if row[3] == "就业"]
    assert [row[5] for row in values] == ["19", "6", "13"]
    assert "attachment" in response["Content-Disposition"]


def test_an_unknown_export_kind_is_a_404(admin_client_, answered):
    url = reverse("admin:surveys_survey_export", args=[answered.pk, "pdf"])
    assert admin_client_.get(url).status_code == 404


def test_numbers_show_mean_and_median_only_for_five_or_more(answered):
    found = results.compute(answered)
    table = next(t for t in found.tables if t.question.key == "offers")
    assert [[str(f) for f in row.figures] for row in table.rows] == [["2.0"] * 3] * 2
    small = make_survey(cohort=2023, levels=["本科"])
    graduates(small, "10001", "本科", ["employed"] * 3)
    table = next(t for t in results.compute(small).tables if t.question.key == "offers")
    assert [[str(f) for f in row.figures] for row in table.rows] == [["<5"] * 2] * 2
