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


def answered_questions(response: SurveyResponse) -> list[AnsweredQuestion]:
    """Every question of the response's survey with the answer given, or 未作答 / 无需作答."""
    questions = list(response.survey.questions.all())
    given: dict[int, list[Answer]] = {}
    for answer in response.answers.all():
        given.setdefault(answer.question_id, []).append(answer)
    return [
        AnsweredQuestion(
            number,
            question.localized_text(),
            answer_display(question, given[question.pk])
            if question.pk in given
            else gettext("（未作答）"),
        )
        for number, question in enumerate(questions, 1)
    ]
