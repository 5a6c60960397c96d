"""Answers as people read them: option labels, place names, numbers and text."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

from . import regions
from .models import Answer, Question, QuestionKind, SurveyResponse


def value_label(question: Question, value: str) -> str:
    if question.kind == QuestionKind.PROVINCE:
        return str(regions.province_label(value))
    if question.kind == QuestionKind.CITY:
        return regions.city_label(value)
    return question.option_labels().get(value, value)


def answer_display(question: Question, answers: list[Answer]) -> str:
    if question.kind == QuestionKind.NUMBER:
        return ", ".join(str(answer.number) for answer in answers)
    if question.kind == QuestionKind.TEXT:
        return "\n".join(answer.text for answer in answers)
    return gettext("；").join(value_label(question, answer.value) for answer in answers)


@dataclass(frozen=True)
class AnsweredQuestion:
    number: int
    text: str
    answer: str


def answered_questions(
    response: SurveyResponse, *, with_unanswered: bool = False
) -> list[AnsweredQuestion]:
    """The questions answered, numbered in order; with every other one as 未作答 if asked."""
    given: dict[int, list[Answer]] = {}
    for answer in response.answers.all():
        given.setdefault(answer.question_id, []).append(answer)
    shown = [
        question
        for question in response.survey.questions.all()
        if with_unanswered or question.pk in given
    ]
    return [
        AnsweredQuestion(
            number,
            question.localized_text(),
            answer_display(question, given[question.pk])
            if question.pk in given
            else gettext("（未作答）"),
        )
        for number, question in enumerate(shown, 1)
    ]
