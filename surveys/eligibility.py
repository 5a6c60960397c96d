"""Who a survey is for: the people with an enrolment that matches its audience.

An enrolment belongs to the 届 of the year it ended: its 离校日期, or its 预计毕业日期 while no
离校日期 is registered (the seed's example student, 2018–2021 and still 在籍, is 2021届).
Enrolments that ended without graduating — 肄业, 退学, 开除学籍, 取消学籍, 不予注册 — belong to
no 届. A student sees a survey only through their own bound, identity-checked account.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import cast

from django.core.cache import cache
from django.db.models import QuerySet
from django.db.models.functions import Coalesce, ExtractYear
from django.http import Http404
from django.utils import timezone

from records.access import parse_public_id
from records.models import Enrollment, Person

from .models import ResponseStatus, Survey, SurveyResponse

NOT_GRADUATING = (
    "不在籍（肄业）",
    "不在籍（退学）",
    "不在籍（开除学籍）",
    "不在籍（取消学籍）",
    "不予注册",
)


@dataclass(frozen=True)
class EnrollmentFacts:
    """What eligibility looks at, read once per request for every open survey."""

    pk: int
    school_id: int
    level: str
    category: str
    cohort: int
    entry_date: datetime.date


def cohort_of(enrollment: Enrollment) -> int:
    return (enrollment.leave_date or enrollment.expected_graduation_date).year


def enrollment_facts(
    person: Person, loaded: list[Enrollment] | None = None
) -> list[EnrollmentFacts]:
    """The person's enrolments as eligibility sees them; from ``loaded`` (the person's own
    enrolments as their pages show them, already read) when given, else one query."""
    enrollments = (
        loaded
        if loaded is not None
        # A withdrawn 学籍 was a mistake: it counts for none (for_person leaves it out).
        else Enrollment.objects.for_person(person).only(
            "school", "level", "category", "status", "leave_date", "expected_graduation_date",
            "entry_date",
        )
    )  # fmt: skip
    return [
        EnrollmentFacts(e.pk, e.school_id, e.level, e.category, cohort_of(e), e.entry_date)
        for e in enrollments
        if e.status not in NOT_GRADUATING
    ]


def matching(survey: Survey, facts: list[EnrollmentFacts], school_ids: set[int]) -> list:
    """The facts that put a person in the survey's audience, latest entry first."""
    found = [
        fact
        for fact in facts
        if fact.cohort == survey.cohort
        and fact.level in survey.levels
        and fact.category in survey.categories
        and (not school_ids or fact.school_id in school_ids)
    ]
    return sorted(found, key=lambda fact: fact.entry_date, reverse=True)


def school_ids_of(survey: Survey) -> set[int]:
    """The survey's schools (empty: all), from a prefetch when there is one."""
    return {school.pk for school in survey.schools.all()}


def eligible_enrollments(survey: Survey) -> QuerySet[Enrollment]:
    """Every enrolment in the survey's audience, for the reminder and the result tables."""
    queryset = (
        Enrollment.objects.annotate(
            cohort=ExtractYear(Coalesce("leave_date", "expected_graduation_date"))
        )
        .filter(
            cohort=survey.cohort,
            level__in=survey.levels,
            category__in=survey.categories,
        )
        .exclude(status__in=NOT_GRADUATING)
    )
    school_ids = school_ids_of(survey)
    if school_ids:
        queryset = queryset.filter(school_id__in=school_ids)
    return queryset


def student_person(user) -> Person | None:
    """The person whose surveys this account may answer: a checked student's own, or None."""
    if not (user.is_authenticated and user.is_active) or user.is_staff:
        return None
    if user.identity_disputed or user.identity_verified_at is None:
        return None
    return user.person


@dataclass(frozen=True)
class Invitation:
    """A survey a person may answer, with the enrolment that makes them eligible."""

    survey: Survey
    enrollment_id: int
    response: SurveyResponse | None

    @property
    def state(self) -> str:
        if self.response is None:
            return "todo"
        return "submitted" if self.response.is_submitted else "draft"


def _responses_by_series(person: Person, surveys: list[Survey]) -> dict:
    """The person's response per survey series: a submitted one (any version) before a draft."""
    if not surveys:
        return {}
    rows = SurveyResponse.objects.filter(
        person=person, survey__series__in={survey.series for survey in surveys}
    ).select_related("survey")
    found: dict[tuple[object, int | None], SurveyResponse] = {}
    for row in rows:
        found[(row.survey.series, row.survey_id)] = row
        if row.is_submitted:
            found[(row.survey.series, None)] = row
    return found


def _response_for(found: dict, survey: Survey) -> SurveyResponse | None:
    return found.get((survey.series, None)) or found.get((survey.series, survey.pk))


# The open surveys are the same for every student: read once a minute, through the shared cache.
# A survey published, closed or changed reaches the banners within this many seconds; a
# student's own response is always read afresh.
OPEN_SURVEYS_SECONDS = 60


def open_surveys() -> list[Survey]:
    """Today's open surveys with their schools prefetched, kept OPEN_SURVEYS_SECONDS."""
    today = timezone.localdate()

    def read() -> list[Survey]:
        return list(
            Survey.objects.open_on(today).prefetch_related("schools").order_by("closes_on", "id")
        )

    # What read() returned, now or when it was cached: never None.
    return cast("list[Survey]", cache.get_or_set(_open_key(today), read, OPEN_SURVEYS_SECONDS))


def _open_key(day: datetime.date) -> str:
    return f"surveys:open:{day.isoformat()}"


def forget_open_surveys() -> None:
    """After publishing or closing: the next page reads the open surveys again."""
    cache.delete(_open_key(timezone.localdate()))


def open_invitations(user, enrollments: list[Enrollment] | None = None) -> list[Invitation]:
    """The open surveys this account's person may answer, for the banners.

    ``enrollments``: all of the person's enrolments when the page has read them already. At
    most 2 queries (the open surveys, once a minute; the person's responses, when eligible).
    """
    person = student_person(user)
    if person is None:
        return []
    surveys = open_surveys()
    if not surveys:
        return []
    facts = enrollment_facts(person, enrollments)
    eligible = [
        (survey, match[0])
        for survey in surveys
        if (match := matching(survey, facts, school_ids_of(survey)))
    ]
    found = _responses_by_series(person, [survey for survey, _fact in eligible])
    return [Invitation(survey, fact.pk, _response_for(found, survey)) for survey, fact in eligible]


def get_invitation(user, public_id: object) -> Invitation:
    """The survey by its public id if this account may see it, else 404 (like a missing one)."""
    person = student_person(user)
    if person is None:
        raise Http404
    survey = (
        Survey.objects.visible_to_students()
        .filter(public_id=parse_public_id(public_id))
        .prefetch_related("schools", "questions")
        .first()
    )
    if survey is None:
        raise Http404
    match = matching(survey, enrollment_facts(person), school_ids_of(survey))
    if not match:
        raise Http404
    found = _responses_by_series(person, [survey])
    return Invitation(survey, match[0].pk, _response_for(found, survey))


def submitted_persons(survey: Survey) -> QuerySet:
    """People who submitted this survey or another version of it."""
    return SurveyResponse.objects.filter(
        survey__series=survey.series, status=ResponseStatus.SUBMITTED
    ).values("person_id")
