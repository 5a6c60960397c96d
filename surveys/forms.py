"""The student's answer form, built from a survey's questions.

Every field is optional to Django; ``clean`` applies the survey's own rules: a question hidden
by its skip rule is dropped whatever was sent, and a required visible question must be answered
— except in a draft, which keeps whatever is valid so far.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import regions
from .models import Question, QuestionKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ERR_REQUIRED = _("请回答此题")
ERR_REQUIRED_CHOICE = _("请选择一项")
ERR_REQUIRED_MULTIPLE = _("请至少选择一项")
ERR_INVALID_CHOICE = _("请从给出的选项中选择")
ERR_NUMBER_INVALID = _("请填写整数")
ERR_NUMBER_RANGE = _("请填写 %(min)s 到 %(max)s 之间的整数")
ERR_TEXT_TOO_LONG = _("最多填写 %(limit_value)d 个字（当前 %(show_value)d 个）")
ERR_SUMMARY = _("有 %(count)d 道题需要修改，请查看标出的题目。")
ASKED_WHEN = _("仅当第 %(number)d 题选择“%(options)s”时填写")

# Question key → the answer: a code, a list of codes, a number or a text, by the question's kind.
Answers = dict[str, Any]


def field_name(question: Question) -> str:
    return f"q_{question.key}"


def is_empty(value: object) -> bool:
    return value is None or value == "" or value == []


def is_asked(question: Question, answers: Answers) -> bool:
    """Whether the skip rule asks ``question`` given the answers so far (hidden ones are None)."""
    if not question.has_skip_rule:
        return True
    controlling = answers.get(question.show_if_key)
    if isinstance(controlling, list):
        return any(value in question.show_if_values for value in controlling)
    return controlling in question.show_if_values


def _choice_field(question: Question) -> forms.Field:
    choices = list(question.option_labels().items())
    messages = {"invalid_choice": ERR_INVALID_CHOICE}
    if question.kind == QuestionKind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=choices,
            required=False,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            error_messages={**messages, "invalid_list": ERR_INVALID_CHOICE},
        )
    return forms.ChoiceField(
        choices=choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages=messages,
    )


def _region_field(question: Question) -> forms.Field:
    if question.kind == QuestionKind.PROVINCE:
        choices: list = [("", _("请选择省份")), *regions.province_choices()]
    else:
        choices = [("", _("请选择城市")), *regions.city_choices()]
    return forms.ChoiceField(
        choices=choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": ERR_INVALID_CHOICE},
    )


def _number_field(question: Question) -> forms.Field:
    low, high = question.min_value, question.max_value
    out_of_range = str(ERR_NUMBER_RANGE) % {"min": low, "max": high}
    return forms.IntegerField(
        required=False,
        min_value=low,
        max_value=high,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
        error_messages={
            "invalid": ERR_NUMBER_INVALID,
            "min_value": out_of_range,
            "max_value": out_of_range,
        },
    )


def _text_field(question: Question) -> forms.Field:
    widget: forms.Widget = forms.TextInput(attrs={"class": "form-control"})
    if question.max_length > 100:
        widget = forms.Textarea(attrs={"class": "form-control", "rows": 3})
    return forms.CharField(
        required=False,
        max_length=question.max_length,
        widget=widget,
        error_messages={"max_length": ERR_TEXT_TOO_LONG},
    )


def build_field(question: Question) -> forms.Field:
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        field = _choice_field(question)
    elif question.kind in (QuestionKind.PROVINCE, QuestionKind.CITY):
        field = _region_field(question)
    elif question.kind == QuestionKind.NUMBER:
        field = _number_field(question)
    else:
        field = _text_field(question)
    field.label = question.localized_text()
    field.help_text = question.localized_hint()
    return field


def required_message(question: Question) -> StrOrPromise:
    if question.kind == QuestionKind.MULTIPLE:
        return ERR_REQUIRED_MULTIPLE
    if question.kind in (QuestionKind.SINGLE, QuestionKind.PROVINCE, QuestionKind.CITY):
        return ERR_REQUIRED_CHOICE
    return ERR_REQUIRED


class AnswerForm(forms.Form):
    """Answers to ``questions``; after validation ``answers`` maps each key to its value.

    ``draft=True`` checks each given answer but asks for nothing: a draft may be unfinished.
    """

    def __init__(
        self,
        questions: list[Question],
        data: Mapping[str, Any] | None = None,
        *,
        saved: Answers | None = None,
        draft: bool = False,
    ) -> None:
        initial = {f"q_{key}": value for key, value in (saved or {}).items()}
        super().__init__(data, initial=initial)
        self.questions = list(questions)
        self.draft = draft
        self.answers: Answers = {}
        for question in self.questions:
            self.fields[field_name(question)] = build_field(question)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        answers: Answers = {}
        for question in self.questions:
            name = field_name(question)
            value = data.get(name)
            if name in self.errors or not is_asked(question, answers):
                answers[question.key] = None
                continue
            if is_empty(value):
                answers[question.key] = None
                if question.required and not self.draft:
                    self.add_error(name, required_message(question))
                continue
            answers[question.key] = value
        self.answers = {key: value for key, value in answers.items() if value is not None}
        return data

    def error_count(self) -> int:
        return sum(1 for name in self.errors if name != "__all__")

    def rows(self) -> list[QuestionRow]:
        """The questions as the page shows them: numbered, with their fields and conditions."""
        numbers = {question.key: index for index, question in enumerate(self.questions, 1)}
        by_key = {question.key: question for question in self.questions}
        rows = []
        for number, question in enumerate(self.questions, 1):
            bound = self[field_name(question)]
            if bound.errors:
                # Screen readers announce the field as wrong and read the message with it.
                bound.field.widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{bound.auto_id}-error"}
                )
            rows.append(
                QuestionRow(question, bound, number, self._condition(question, numbers, by_key))
            )
        return rows

    @staticmethod
    def _condition(question: Question, numbers: dict, by_key: dict) -> str:
        source = by_key.get(question.show_if_key)
        if not question.has_skip_rule or source is None:
            return ""
        labels = source.option_labels()
        options = gettext("”或“").join(labels.get(v, v) for v in question.show_if_values)
        return str(ASKED_WHEN) % {"number": numbers[source.key], "options": options}


@dataclass(frozen=True)
class QuestionRow:
    question: Question
    field: forms.BoundField
    number: int
    condition: str
