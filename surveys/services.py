"""Survey operations that touch several rows or must be atomic (STYLE §1).

Submitting takes the survey's row lock first: it serialises submissions against a staff member
saving the questions (which takes the same lock), so no answer is ever stored for a question
that changed meanwhile. The unique (survey, person) row then makes a second submission — two
tabs, a double click, two devices at once — find the first one and stop.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from records.models import Enrollment, Person
from xuexin.logging import log_event
from xuexin.refused import Refused

from .forms import Answers
from .models import (
    Answer,
    Question,
    QuestionKind,
    ResponseStatus,
    Survey,
    SurveyResponse,
    SurveyStatus,
)

if TYPE_CHECKING:
    from accounts.models import User

ERR_ALREADY_SUBMITTED = gettext_lazy("您已提交过该调查，答卷不能修改。")
ERR_NOT_OPEN = gettext_lazy("该调查当前不在填写时间内。")
ERR_PUBLISH_NOT_DRAFT = gettext_lazy("只有草稿状态的调查可以发布。")
ERR_PUBLISH_NO_QUESTIONS = gettext_lazy("调查至少需要一道题目。")
ERR_PUBLISH_NO_AUDIENCE = gettext_lazy("请至少选择一个层次和一个学历类别。")
ERR_PUBLISH_ENDED = gettext_lazy("截止日期已过，不能发布。")
ERR_CLOSE_NOT_PUBLISHED = gettext_lazy("只有已发布的调查可以关闭。")
ERR_SKIP_RULE = gettext_lazy(
    "第 %(position)s 题的显示条件须引用排在它前面的单选或多选题，并使用该题的选项代码。"
)


class AlreadySubmitted(Refused):
    def __init__(self) -> None:
        super().__init__(ERR_ALREADY_SUBMITTED)


def lock_survey(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().get(pk=survey.pk)


def skip_rule_problems(questions: list[Question]) -> list[str]:
    """Skip rules must point back to a choice question and name its options."""
    problems = []
    earlier: dict[str, Question] = {}
    for question in sorted(questions, key=lambda q: (q.position, q.pk or 0)):
        if question.has_skip_rule:
            source = earlier.get(question.show_if_key)
            values = {option["value"] for option in (source.options if source else [])}
            choice = source is not None and source.kind in (
                QuestionKind.SINGLE,
                QuestionKind.MULTIPLE,
            )
            if not choice or not set(question.show_if_values) <= values:
                problems.append(str(ERR_SKIP_RULE) % {"position": question.position})
        earlier[question.key] = question
    return problems


def _responder_facts(enrollment_id: int) -> dict[str, object]:
    enrollment = Enrollment.objects.only("school_id", "level", "category").get(pk=enrollment_id)
    return {
        "enrollment_id": enrollment.pk,
        "school_id": enrollment.school_id,
        "level": enrollment.level,
        "category": enrollment.category,
    }


def _open_response(
    *, survey: Survey, person: Person, account: User | None, enrollment_id: int
) -> SurveyResponse:
    """The person's response row, locked; refused when the survey is shut or already answered."""
    locked_survey = lock_survey(survey)
    if not locked_survey.is_open:
        raise Refused(ERR_NOT_OPEN)
    other_versions = SurveyResponse.objects.filter(
        survey__series=survey.series, person=person, status=ResponseStatus.SUBMITTED
    ).exclude(survey=survey)
    if other_versions.exists():
        raise AlreadySubmitted
    response, _created = SurveyResponse.objects.get_or_create(
        survey=survey,
        person=person,
        defaults={"account": account, **_responder_facts(enrollment_id)},
    )
    response = SurveyResponse.objects.select_for_update().get(pk=response.pk)
    if response.is_submitted:
        raise AlreadySubmitted
    return response


def _draft_value(value: object) -> object:
    return list(value) if isinstance(value, (list, tuple)) else value


@transaction.atomic
def response_save_draft(
    *,
    survey: Survey,
    person: Person,
    account: User | None,
    enrollment_id: int,
    answers: Answers,
) -> SurveyResponse:
    response = _open_response(
        survey=survey, person=person, account=account, enrollment_id=enrollment_id
    )
    response.draft = {key: _draft_value(value) for key, value in answers.items()}
    response.account = account
    response.save(update_fields=["draft", "account", "updated_at"])
    return response


def answer_rows(
    response: SurveyResponse, questions: list[Question], answers: Answers
) -> list[Answer]:
    """One row per answer given (per option of a multiple choice); unanswered ones get none."""
    rows: list[Answer] = []
    for question in questions:
        value = answers.get(question.key)
        if value is None:
            continue
        if question.kind == QuestionKind.MULTIPLE:
            rows += [Answer(response=response, question=question, value=v) for v in value]
        elif question.kind == QuestionKind.NUMBER:
            rows.append(Answer(response=response, question=question, number=value))
        elif question.kind == QuestionKind.TEXT:
            rows.append(Answer(response=response, question=question, text=value))
        else:
            rows.append(Answer(response=response, question=question, value=value))
    return rows


@transaction.atomic
def response_submit(
    *,
    survey: Survey,
    person: Person,
    account: User | None,
    enrollment_id: int,
    answers: Answers,
) -> SurveyResponse:
    """Store the answers once; a second call for the same person raises AlreadySubmitted."""
    response = _open_response(
        survey=survey, person=person, account=account, enrollment_id=enrollment_id
    )
    questions = list(survey.questions.all())
    Answer.objects.bulk_create(answer_rows(response, questions, answers))
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = timezone.now()
    response.account = account
    response.draft = {}
    response.save(update_fields=["status", "submitted_at", "account", "draft", "updated_at"])
    log_event("survey.submitted", survey=survey.pk, response=response.pk)
    return response


def publish_problems(survey: Survey, today: datetime.date) -> list[str]:
    problems = []
    if survey.status != SurveyStatus.DRAFT:
        problems.append(str(ERR_PUBLISH_NOT_DRAFT))
    questions = list(survey.questions.all())
    if not questions:
        problems.append(str(ERR_PUBLISH_NO_QUESTIONS))
    if not survey.levels or not survey.categories:
        problems.append(str(ERR_PUBLISH_NO_AUDIENCE))
    if survey.closes_on < today:
        problems.append(str(ERR_PUBLISH_ENDED))
    return problems + skip_rule_problems(questions)


@transaction.atomic
def survey_publish(*, survey: Survey, by) -> Survey:
    """Publish a draft; an earlier version of it that is still published closes now."""
    locked = lock_survey(survey)
    problems = publish_problems(locked, timezone.localdate())
    if problems:
        raise Refused(" ".join(problems))
    now = timezone.now()
    Survey.objects.filter(series=locked.series, status=SurveyStatus.PUBLISHED).exclude(
        pk=locked.pk
    ).update(status=SurveyStatus.CLOSED, closed_at=now)
    locked.status = SurveyStatus.PUBLISHED
    locked.published_at = now
    locked.save(update_fields=["status", "published_at"])
    log_event("survey.published", survey=locked.pk, by=by.pk)
    return locked


@transaction.atomic
def survey_close(*, survey: Survey, by) -> Survey:
    locked = lock_survey(survey)
    if locked.status != SurveyStatus.PUBLISHED:
        raise Refused(ERR_CLOSE_NOT_PUBLISHED)
    locked.status = SurveyStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    log_event("survey.closed", survey=locked.pk, by=by.pk)
    return locked


@transaction.atomic
def survey_new_version(*, survey: Survey, by) -> Survey:
    """A draft copy with the next version number, to change what answers have fixed."""
    latest = (
        Survey.objects.select_for_update().filter(series=survey.series).order_by("-version").first()
    )
    copy = Survey.objects.create(
        series=survey.series,
        version=(latest.version if latest else survey.version) + 1,
        title=survey.title,
        title_en=survey.title_en,
        intro=survey.intro,
        intro_en=survey.intro_en,
        cohort=survey.cohort,
        levels=list(survey.levels),
        categories=list(survey.categories),
        opens_on=max(survey.opens_on, timezone.localdate()),
        closes_on=max(survey.closes_on, timezone.localdate()),
        created_by=by,
    )
    copy.schools.set(survey.schools.all())
    Question.objects.bulk_create(
        Question(
            survey=copy,
            **{
                field: getattr(question, field)
                for field in (
                    "position",
                    "key",
                    "kind",
                    "text",
                    "text_en",
                    "hint",
                    "hint_en",
                    "required",
                    "options",
                    "min_value",
                    "max_value",
                    "max_length",
                    "show_if_key",
                    "show_if_values",
                )
            },
        )  # fmt: skip
        for question in survey.questions.all()
    )
    return copy


def reminder_text(survey: Survey) -> tuple[str, str]:
    """The reminder's SMS text and email subject (Chinese: the gateway sends one language)."""
    text = _(
        "【学信网仿真】您好，%(title)s正在进行，截止日期%(date)s。"
        "请登录学信档案，在“学籍信息”页面填写。本消息由仿真系统发送。"
    ) % {"title": survey.title, "date": f"{survey.closes_on:%Y年%m月%d日}"}
    subject = _("学信网（仿真）：%(title)s") % {"title": survey.title}
    return text, subject
