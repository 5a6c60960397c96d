"""Forms of the 学信档案 pages."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import display
from .corrections import check_proposal, field_choices
from .models import AnyRecord, PhotoKind, PhotoReview, School
from .photos import SafeImageFormField

ERR_WRONG_NEEDS_COMMENT = _("选择“有误”时，请说明照片哪里有误")
ERR_NO_PHOTO = _("该学籍暂无这张照片，无需校对。照片缺失请联系学校学籍管理部门。")


class SchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: School) -> str:
        return obj.name + display.bracketed(obj.code)


class BindForm(forms.Form):
    """尝试绑定学籍: school + 学号 + 入学年份."""

    school = SchoolChoiceField(label=_("学校名称"), queryset=School.objects.order_by("code"))
    student_number = forms.CharField(label=_("学号"), max_length=30)
    entry_year = forms.IntegerField(label=_("入学年份"), min_value=1950)

    def clean_student_number(self) -> str:
        return self.cleaned_data["student_number"].strip()

    def clean_entry_year(self) -> int:
        year = self.cleaned_data["entry_year"]
        if year > datetime.date.today().year:
            raise ValidationError(_("入学年份不能晚于今年"), code="future_year")
        return year


class PhotoReviewForm(forms.Form):
    kind = forms.ChoiceField(choices=PhotoKind.choices, widget=forms.HiddenInput)
    verdict = forms.ChoiceField(
        label=_("校对结果"), choices=PhotoReview.Verdict.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("说明"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("照片有误时请说明，例如：不是本人照片")}),
    )

    def __init__(self, *args: Any, enrollment: models.Model | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.enrollment = enrollment

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        kind = data.get("kind")
        if self.enrollment is not None and kind and not photo_of(self.enrollment, str(kind)):
            # A 暂无照片 placeholder is not a photo: there is nothing for the school to fix.
            raise ValidationError(ERR_NO_PHOTO, code="no_photo")
        if data.get("verdict") == PhotoReview.Verdict.WRONG and not data.get("comment"):
            self.add_error("comment", ValidationError(ERR_WRONG_NEEDS_COMMENT, code="comment"))
        return data


def photo_of(enrollment: models.Model, kind: str):
    """The enrolment's photo of ``kind`` (admission / diploma); empty when there is none."""
    return getattr(enrollment, f"{kind}_photo", None)


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(label=_("更正项目"))
    proposed_value = forms.CharField(label=_("申请更正为"), max_length=200)
    reason = forms.CharField(
        label=_("更正理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = SafeImageFormField(
        label=_("证明材料（可选）"),
        required=False,
        help_text=_("JPEG 或 PNG 图片，不超过 2 MB，例如录取通知书或证件照片。"),
    )

    def __init__(self, *args: Any, record: AnyRecord, **kwargs: Any) -> None:
        self.record = record
        super().__init__(*args, **kwargs)
        self.choices = field_choices(record)
        field = self.fields["field"]
        assert isinstance(field, forms.ChoiceField)  # declared above
        field.choices = [(c.field, c.label) for c in self.choices]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        field, proposed = data.get("field"), data.get("proposed_value")
        if field and proposed:
            try:
                data["proposed_value"] = check_proposal(self.record, field, proposed)
            except ValidationError as error:
                self.add_error("proposed_value", error)
        return data
