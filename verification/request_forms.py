"""Forms of 查验申请: the employer's request (public) and the candidate's approval (archive)."""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import captcha_field
from records.identity import normalize_person_name, validate_person_name

from .forms import LABEL_CATEGORIES, RecipientValidityField, ShownFieldsForm, single_line
from .models import ReportKind
from .services import MAX_MONTHS, add_months

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ERR_ORGANISATION_CHARACTERS = _("单位名称只能包含文字、数字、空格和常用标点")
ERR_CONTACT_CHARACTERS = _("联系人只能包含文字、数字、空格和常用标点")
ERR_PHONE = _("联系电话只能包含数字、空格、“+”和“-”，共 5 至 20 位")
ERR_ID_LAST4 = _("请输入证件号码的最后四位：数字，最后一位也可能是 X")
ERR_KINDS_REQUIRED = _("请至少选择一项要查验的信息")
ERR_PURPOSE_CHARACTERS = _("查验用途只能包含文字、数字、空格和常用标点")
ERR_VALIDITY_RANGE = _("有效期须在今天至 %(date)s 之间")

_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{3,18}[0-9]$")
_ID_LAST4 = re.compile(r"^[0-9]{3}[0-9X]$")


def _plain_text(value: str, error: StrOrPromise) -> str:
    """One line of letters, digits, spaces and punctuation: the recipient-label rule, so that
    the organisation can label the code the candidate makes for it."""
    text = single_line(value)
    if not text:
        raise ValidationError(forms.Field.default_error_messages["required"], code="required")
    if any(not unicodedata.category(char).startswith(LABEL_CATEGORIES) for char in text):
        raise ValidationError(error, code="characters")
    return text


class VerifierRequestForm(forms.Form):
    organisation = forms.CharField(
        label=_("单位名称"),
        max_length=50,
        help_text=_("将作为出具对象显示在学生同意后生成的报告上"),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    contact_name = forms.CharField(
        label=_("联系人"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    contact_email = forms.EmailField(
        label=_("联系邮箱"),
        max_length=254,
        help_text=_("学生同意后，查验码将发送到这个邮箱"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = forms.CharField(
        label=_("联系电话（选填）"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    candidate_name = forms.CharField(
        label=_("学生姓名"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    id_last4 = forms.CharField(
        label=_("学生证件号码后四位"),
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "size": 6,
            }  # fmt: skip
        ),
    )
    kinds = forms.MultipleChoiceField(
        label=_("申请查验"),
        choices=ReportKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": ERR_KINDS_REQUIRED},
    )
    purpose = forms.CharField(
        label=_("查验用途"),
        max_length=100,
        help_text=_("如“入职背景调查”，学生决定是否同意时会看到"),
    )
    captcha = captcha_field()

    def clean_organisation(self) -> str:
        return _plain_text(self.cleaned_data["organisation"], ERR_ORGANISATION_CHARACTERS)

    def clean_contact_name(self) -> str:
        return _plain_text(self.cleaned_data["contact_name"], ERR_CONTACT_CHARACTERS)

    def clean_contact_email(self) -> str:
        return self.cleaned_data["contact_email"].strip().lower()

    def clean_contact_phone(self) -> str:
        phone = unicodedata.normalize("NFKC", self.cleaned_data["contact_phone"]).strip()
        if phone and not _PHONE.match(phone):
            raise ValidationError(ERR_PHONE, code="phone")
        return phone

    def clean_candidate_name(self) -> str:
        name = normalize_person_name(self.cleaned_data["candidate_name"])
        validate_person_name(name)
        return name

    def clean_id_last4(self) -> str:
        typed = unicodedata.normalize("NFKC", self.cleaned_data["id_last4"])
        text = "".join(typed.split()).upper()
        if not _ID_LAST4.match(text):
            raise ValidationError(ERR_ID_LAST4, code="id_last4")
        return text

    def clean_kinds(self) -> list[str]:
        chosen = set(self.cleaned_data["kinds"])
        return [kind for kind in ReportKind.values if kind in chosen]

    def clean_purpose(self) -> str:
        return _plain_text(self.cleaned_data["purpose"], ERR_PURPOSE_CHARACTERS)


def last_validity_day() -> datetime.date:
    """A code made on approval lasts at most as long as the longest report."""
    return add_months(timezone.localdate(), MAX_MONTHS)


class ApproveForm(ShownFieldsForm):
    """The candidate's 同意: which record, what it shows, and for how long."""

    record = forms.ChoiceField(label=_("选择记录"))
    valid_until = RecipientValidityField(
        label=_("查验码有效期至"), help_text=_("最长 6 个月；到期后对方无法再查验")
    )

    field_order = ["record", "valid_until"]

    def __init__(self, *args: Any, records: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        record = self.fields["record"]
        assert isinstance(record, forms.ChoiceField)  # declared above
        record.choices = records
        field = self.fields["valid_until"]
        field.initial = add_months(timezone.localdate(), 1)
        field.widget.attrs.update(
            min=timezone.localdate().isoformat(), max=last_validity_day().isoformat()
        )

    def clean_valid_until(self) -> datetime.date:
        day = self.cleaned_data["valid_until"]
        if not timezone.localdate() <= day <= last_validity_day():
            raise ValidationError(
                ERR_VALIDITY_RANGE,
                code="range",
                params={"date": last_validity_day().isoformat()},
            )
        return day
