"""Forms of the public verification pages and of the student's report requests."""

from __future__ import annotations

import datetime
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.forms import captcha_field
from records.identity import normalize_person_name

from . import codes, consent
from .services import HIDEABLE_FIELDS, MAX_MONTHS, MIN_MONTHS

ERR_CODE_FORMAT = _("在线验证码为 20 位字母和数字，以 S 开头，请核对后重新输入")


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("在线验证码"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "SXXX XXXX XXXX XXXX XXXX",
            }
        ),  # fmt: skip
    )

    def __init__(self, *args: Any, needs_captcha: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if needs_captcha:
            self.fields["captcha"] = captcha_field()

    def clean_code(self) -> str:
        code = codes.normalize_code(self.cleaned_data["code"])
        if len(code) not in (codes.LENGTH, codes.LEGACY_LENGTH):
            raise ValidationError(ERR_CODE_FORMAT, code="format")
        return code


class XueliQueryForm(forms.Form):
    certificate_number = forms.CharField(label=_("证书编号"), max_length=30)
    name = forms.CharField(label=_("姓名"), max_length=50)
    captcha = captcha_field()

    def clean_certificate_number(self) -> str:
        return "".join(self.cleaned_data["certificate_number"].split())

    def clean_name(self) -> str:
        return normalize_person_name(self.cleaned_data["name"])


def month_choices() -> list[tuple[int, str]]:
    # Built per form, in the reader's language, not once at import time.
    return [
        (n, ngettext("%(n)d 个月", "%(n)d 个月", n) % {"n": n})
        for n in range(MIN_MONTHS, MAX_MONTHS + 1)
    ]


class ShownFieldsForm(forms.Form):
    """What a report shows, and the student's consent to it: shared by the report's own form
    and the approval of an employer's request."""

    show_photo = forms.BooleanField(label=_("在报告中显示照片"), required=False, initial=True)
    # Unticked, the field is left out of the report and its signed data; the report says
    # "本人选择不显示" in its place. Names are show_<field of services.HIDEABLE_FIELDS>.
    show_id_number = forms.BooleanField(
        label=_("在报告中显示证件号码（部分隐藏）"), required=False, initial=True
    )
    show_birth_date = forms.BooleanField(
        label=_("在报告中显示出生年月"), required=False, initial=True
    )
    show_ethnicity = forms.BooleanField(
        label=_("在报告中显示民族（学籍报告）"), required=False, initial=True
    )
    consent = forms.BooleanField(
        label=_("我已阅读并同意《在线验证报告授权说明》"),
        help_text=consent.TEXT,
        error_messages={"required": _("生成报告前请阅读并同意授权说明")},
    )

    def hidden_fields(self) -> list[str]:  # type: ignore[override]  # not BaseForm's hidden inputs: the fields the student hides
        """The subject fields whose 显示 box the student left unticked."""
        return [name for name in HIDEABLE_FIELDS if not self.cleaned_data.get(f"show_{name}")]


class ApplyForm(ShownFieldsForm):
    record = forms.ChoiceField(label=_("选择记录"))
    months = forms.TypedChoiceField(label=_("有效期"), coerce=int, initial=1)

    field_order = ["record", "months"]

    def __init__(self, *args: Any, records: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        record, months = self.fields["record"], self.fields["months"]
        assert isinstance(record, forms.ChoiceField) and isinstance(months, forms.ChoiceField)
        record.choices = records
        months.choices = month_choices()


class ExtendForm(forms.Form):
    months = forms.TypedChoiceField(label=_("延长有效期"), coerce=int, initial=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        months = self.fields["months"]
        assert isinstance(months, forms.ChoiceField)  # declared above
        months.choices = month_choices()


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("关闭原因"), max_length=200)


ERR_LABEL_CHARACTERS = _("出具对象只能包含文字、数字、空格和常用标点")
ERR_VALIDITY_PAST = _("有效期不能早于今天")
ERR_VALIDITY_AFTER_REPORT = _("出具对象验证码的有效期不能晚于报告的有效期（%(date)s）")
# Letters, marks, digits, punctuation and spaces: what a company name is written with. No
# symbols or emoji (the PDF font has no glyph for them), no private-use or unassigned points.
LABEL_CATEGORIES = ("L", "M", "N", "P", "Zs")


def single_line(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


class RecipientValidityField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecipientValidityForm(forms.Form):
    """A validity from today to the report's own last day."""

    valid_until = RecipientValidityField(label=_("有效期至"))

    def __init__(self, *args: Any, report, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report = report
        field = self.fields["valid_until"]
        field.initial = report.valid_until
        field.widget.attrs.update(
            min=timezone.localdate().isoformat(), max=report.valid_until.isoformat()
        )

    def clean_valid_until(self) -> datetime.date:
        day = self.cleaned_data["valid_until"]
        if day < timezone.localdate():
            raise ValidationError(ERR_VALIDITY_PAST, code="past")
        if day > self.report.valid_until:
            raise ValidationError(
                ERR_VALIDITY_AFTER_REPORT,
                code="after_report",
                params={"date": self.report.valid_until.isoformat()},
            )
        return day


class RecipientForm(RecipientValidityForm):
    label = forms.CharField(
        label=_("出具对象"),
        max_length=50,
        help_text=_("如用人单位名称，会显示在该验证码打开的报告上"),
    )
    note = forms.CharField(label=_("备注（仅自己可见）"), max_length=200, required=False)

    field_order = ["label", "note", "valid_until"]

    def clean_label(self) -> str:
        label = single_line(self.cleaned_data["label"])
        if not label:
            raise ValidationError(forms.Field.default_error_messages["required"], code="required")
        if any(not unicodedata.category(char).startswith(LABEL_CATEGORIES) for char in label):
            raise ValidationError(ERR_LABEL_CHARACTERS, code="characters")
        return label

    def clean_note(self) -> str:
        return single_line(self.cleaned_data["note"])
