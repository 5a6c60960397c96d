"""Forms of the survey admin: the audience as check boxes, options as lines of text."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from records import codes

from .models import CHOICE_KINDS, Question, QuestionKind, Survey
from .services import skip_rule_problems

ERR_OPTION_LINE = _(
    "第 %(line)d 行：请按“代码 | 中文 | English”填写，例如 employed | 就业 | Employed"
)
ERR_OPTION_CODE = _("第 %(line)d 行：选项代码只能包含小写字母、数字和下划线（最多30位）")
ERR_OPTION_DUPLICATE = _("选项代码“%(code)s”重复")
ERR_OPTIONS_UNUSED = _("只有单选题和多选题需要填写选项")
ERR_KEY_DUPLICATE = _("题目代码“%(key)s”重复")
OPTION_CODE = re.compile(r"^[a-z0-9_]{1,30}$")


def parse_options(text: str) -> list[dict[str, str]]:
    """Lines of ``代码 | 中文 | English`` (English optional) → the question's option list."""
    options: list[dict[str, str]] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            raise ValidationError(ERR_OPTION_LINE, params={"line": number}, code="line")
        code = parts[0]
        if not OPTION_CODE.match(code):
            raise ValidationError(ERR_OPTION_CODE, params={"line": number}, code="code")
        if code in seen:
            raise ValidationError(ERR_OPTION_DUPLICATE, params={"code": code}, code="duplicate")
        seen.add(code)
        english = parts[2] if len(parts) > 2 else ""
        options.append({"value": code, "label": parts[1], "label_en": english})
    return options


def format_options(options: list[dict[str, str]]) -> str:
    return "\n".join(
        " | ".join(part for part in (o["value"], o["label"], o.get("label_en", "")) if part)
        for o in options or []
    )


class SurveyForm(forms.ModelForm):
    levels = forms.MultipleChoiceField(
        label=_("层次"), choices=codes.LEVELS, widget=forms.CheckboxSelectMultiple
    )
    categories = forms.MultipleChoiceField(
        label=_("学历类别"), choices=codes.CATEGORIES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Survey
        fields = [
            "title", "title_en", "intro", "intro_en", "cohort", "levels", "categories",
            "schools", "opens_on", "closes_on",
        ]  # fmt: skip


class OptionsField(forms.CharField):
    """A choice question's options, edited as lines of ``代码 | 中文 | English``."""

    widget = forms.Textarea(attrs={"rows": 5, "cols": 60})

    def prepare_value(self, value: object) -> object:
        return format_options(value) if isinstance(value, list) else value

    def to_python(self, value: object) -> list[dict[str, str]]:  # type: ignore[override]  # a list, not CharField's str
        if isinstance(value, list):
            return value
        return parse_options(super().to_python(value) or "")


class CodesField(forms.CharField):
    """Option codes separated by commas or spaces."""

    def prepare_value(self, value: object) -> object:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: object) -> list[str]:  # type: ignore[override]  # a list, not CharField's str
        if isinstance(value, list):
            return value
        text = super().to_python(value) or ""
        return [code for code in re.split(r"[,，\s]+", text) if code]


class QuestionForm(forms.ModelForm):
    options = OptionsField(
        label=_("选项"),
        required=False,
        help_text=_("单选、多选题填写：每行一个选项，格式“代码 | 中文 | English”，英文可省略。"),
    )
    show_if_values = CodesField(
        label=_("显示条件：选项代码"),
        required=False,
        help_text=_("多个代码用逗号分开。例如前面第1题代码为 destination，本题只在其选择 employed "
                    "时显示：题目代码填 destination，选项代码填 employed。"),
    )  # fmt: skip

    class Meta:
        model = Question
        fields = [
            "position", "key", "kind", "required", "text", "text_en", "hint", "hint_en",
            "options", "min_value", "max_value", "max_length", "show_if_key", "show_if_values",
        ]  # fmt: skip

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("options") and data.get("kind") not in CHOICE_KINDS:
            self.add_error("options", ERR_OPTIONS_UNUSED)
        if data.get("kind") != QuestionKind.NUMBER:
            data["min_value"] = data["max_value"] = None
        return data


class QuestionFormSet(forms.BaseInlineFormSet):
    """Keys are unique within the survey; skip rules point back to earlier choice questions."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        keys: set[str] = set()
        for form in kept:
            key = form.cleaned_data.get("key")
            if key in keys:
                raise ValidationError(ERR_KEY_DUPLICATE, params={"key": key})
            keys.add(key)
        problems = skip_rule_problems([form.instance for form in kept])
        if problems:
            raise ValidationError(problems)
