"""Forms of the account pages. They normalise and validate; views never re-validate."""

from __future__ import annotations

import datetime
from typing import Any

from captcha.fields import CaptchaField
from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from records.identity import (
    IdType,
    normalize_id_number,
    normalize_person_name,
    validate_id_number,
    validate_person_name,
)
from records.photos import SafeImageFormField

from .captcha import CaptchaInput
from .models import IdentityClaim, User
from .validators import normalize_mobile, validate_mobile

ERR_CAPTCHA = _("图片验证码错误，请重新输入")
ERR_PASSWORDS_DIFFER = _("两次输入的密码不一致")
ERR_AGREE = _("请阅读并同意服务条款")
ERR_PHONE_TAKEN = _("该手机号已注册学信网账号")
ERR_EMAIL_TAKEN = _("该邮箱已被其他账号绑定")
ERR_LOGIN = _("用户名或密码错误")
ERR_CURRENT_PASSWORD = _("当前密码不正确")
ERR_SMS_CODE_REQUIRED = _("请输入短信验证码")
ERR_RESET_CODE = _("短信验证码错误或已失效，请核对后重新输入或重新获取")


def captcha_field() -> CaptchaField:
    return CaptchaField(
        label=_("图片验证码"),
        widget=CaptchaInput(attrs={"class": "form-control", "autocomplete": "off", "maxlength": 8}),
        error_messages={"invalid": ERR_CAPTCHA, "required": _("请输入图片验证码")},
    )


class PhoneField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("手机号"))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "tel"})

    def to_python(self, value):
        return normalize_mobile(super().to_python(value))

    def validate(self, value: str) -> None:
        super().validate(value)
        if value:
            validate_mobile(value)


class SendCodeForm(forms.Form):
    """Step 1 of registration: phone + image captcha, then the SMS code is sent.

    Whether the phone already has an account is not said here: only whoever holds the phone
    learns it, from the SMS or after typing the code (DESIGN §4.3, possession first).
    """

    phone = PhoneField()
    captcha = captcha_field()


class PasswordPairMixin(forms.Form):
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("8 至 128 个字符，可使用任何字符；越长越安全。"),
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def check_password_pair(self, user: User | None) -> None:
        """The two entries agree and pass the password rules; with ``user``, also the rules
        that know the person (their numbers, name, schools). Those run only once the person
        has proven they hold the account's phone or email: a refusal would otherwise tell a
        stranger about someone else's numbers."""
        first = self.cleaned_data.get("password1")
        second = self.cleaned_data.get("password2")
        if first and second and first != second:
            self.add_error("password2", ValidationError(ERR_PASSWORDS_DIFFER, code="mismatch"))
            return
        if first:
            try:
                password_validation.validate_password(first, user)
            except ValidationError as error:
                self.add_error("password1", error)


class CurrentPasswordMixin(forms.Form):
    """Re-authentication: a stolen session alone must not change how the account is reached."""

    user: User  # set by each form's __init__

    password = forms.CharField(
        label=_("登录密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(ERR_CURRENT_PASSWORD, code="current_password")
        return password


class RegistrationForm(PasswordPairMixin):
    """注册学信网账号, fields in the real site's order."""

    phone = PhoneField()
    sms_code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        min_length=6,
        required=False,  # not once the phone is proven; see clean()
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    real_name = forms.CharField(label=_("姓名"), max_length=50)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(label=_("证件号码"), max_length=30)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    agree = forms.BooleanField(
        label=_("我已阅读并同意《学信网（仿真）服务条款》"),
        error_messages={"required": ERR_AGREE},
    )

    field_order = [
        "phone",
        "sms_code",
        "password1",
        "password2",
        "real_name",
        "id_type",
        "id_number",
        "email",
        "agree",
    ]

    def __init__(self, *args: Any, proven_phone: str | None = None, **kwargs: Any) -> None:
        """``proven_phone``: the phone whose SMS code this visitor has already typed correctly.

        Until the typed phone is proven, only the format of each field is checked, so the
        answer is the same whoever holds the phone, the ID number or the email address.
        """
        super().__init__(*args, **kwargs)
        self.proven_phone = proven_phone
        self.phone_proven = False

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        self.phone_proven = bool(self.proven_phone) and phone == self.proven_phone
        if self.phone_proven and User.objects.filter(phone=phone).exists():
            raise ValidationError(ERR_PHONE_TAKEN, code="phone_taken")
        return phone

    def clean_real_name(self) -> str:
        name = normalize_person_name(self.cleaned_data["real_name"])
        validate_person_name(name)
        return name

    def clean_email(self) -> str | None:
        email = (self.cleaned_data.get("email") or "").strip().lower()
        if not email:
            return None
        if self.phone_proven and User.objects.filter(email__iexact=email).exists():
            raise ValidationError(ERR_EMAIL_TAKEN, code="email_taken")
        return email

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not self.phone_proven and not data.get("sms_code") and "sms_code" not in self.errors:
            self.add_error("sms_code", ValidationError(ERR_SMS_CODE_REQUIRED, code="required"))
        id_type = data.get("id_type")
        raw_number = data.get("id_number")
        if id_type and raw_number:
            number = normalize_id_number(id_type, raw_number)
            try:
                validate_id_number(id_type, number)
            except ValidationError as error:
                self.add_error("id_number", error)
            else:
                data["id_number"] = number
        probe = User(
            phone=data.get("phone") or "",
            real_name=data.get("real_name") or "",
            id_number=data.get("id_number") or "",
            email=data.get("email"),
        )
        self.check_password_pair(probe if self.phone_proven else None)
        return data


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("手机号/邮箱/证件号码"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, needs_captcha: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if needs_captcha:
            self.fields["captcha"] = captcha_field()


class RecoverUsernameForm(forms.Form):
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(label=_("证件号码"), max_length=30)
    real_name = forms.CharField(label=_("姓名"), max_length=50)
    captcha = captcha_field()

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("id_type") and data.get("id_number"):
            data["id_number"] = normalize_id_number(data["id_type"], data["id_number"])
        if data.get("real_name"):
            data["real_name"] = normalize_person_name(data["real_name"])
        return data


class RecoverPasswordForm(forms.Form):
    class Channel:
        PHONE = "phone"
        EMAIL = "email"

    username = forms.CharField(label=_("手机号/邮箱/证件号码"), max_length=254)
    channel = forms.ChoiceField(
        label=_("接收方式"),
        choices=[("phone", _("发送验证码到绑定手机")), ("email", _("发送重置链接到绑定邮箱"))],
        initial="phone",
        widget=forms.RadioSelect,
    )
    captcha = captcha_field()


class SetPasswordForm(PasswordPairMixin):
    """A new password for ``user``; ``user=None`` checks only the rules that know nobody."""

    def __init__(self, *args: Any, user: User | None, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        self.check_password_pair(self.user)
        return data


class ResetWithCodeForm(SetPasswordForm):
    """找回密码, step 2. Until the code is accepted the form knows no account (``user=None``);
    once it is, the code field goes and the password is checked against the account."""

    sms_code = forms.CharField(label=_("短信验证码"), min_length=6, max_length=6)
    field_order = ["sms_code", "password1", "password2"]

    def __init__(self, *args: Any, user: User | None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if user is not None:
            del self.fields["sms_code"]


class ChangePasswordForm(SetPasswordForm):
    user: User  # always an account: only the signed-in user changes a password
    current_password = forms.CharField(
        label=_("当前密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["current_password", "password1", "password2"]

    def clean_current_password(self) -> str:
        password = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise ValidationError(ERR_CURRENT_PASSWORD, code="current_password")
        return password


class ChangePhoneForm(CurrentPasswordMixin):
    new_phone = PhoneField(label=_("新手机号"))
    sms_code = forms.CharField(label=_("短信验证码"), min_length=6, max_length=6, required=False)
    field_order = ["new_phone", "password", "sms_code"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_new_phone(self) -> str:
        phone = self.cleaned_data["new_phone"]
        if User.objects.filter(phone=phone).exclude(pk=self.user.pk).exists():
            raise ValidationError(_("该手机号已被其他账号绑定"), code="phone_taken")
        if phone == self.user.phone:
            raise ValidationError(_("新手机号与当前手机号相同"), code="same_phone")
        return phone


class BindEmailForm(CurrentPasswordMixin):
    email = forms.EmailField(label=_("电子邮箱"))
    field_order = ["email", "password"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists():
            raise ValidationError(ERR_EMAIL_TAKEN, code="email_taken")
        return email


class IdentityFactsForm(forms.Form):
    """Facts from one of one's own 学籍: the school, its 学号 and the year of entry."""

    school_name = forms.CharField(
        label=_("就读院校名称"),
        max_length=100,
        help_text=_("您曾就读或正在就读的任意一所院校的全称，例如“北京大学”。"),
    )
    student_number = forms.CharField(
        label=_("学号"),
        max_length=30,
        help_text=_("该院校为您分配的学号（可在学生证、校园卡或教务系统中查到）。"),
    )
    entry_year = forms.IntegerField(
        label=_("入学年份"), widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )

    def clean_entry_year(self) -> int:
        year = self.cleaned_data["entry_year"]
        if not 1950 <= year <= _current_year():
            raise ValidationError(_("请输入正确的入学年份"), code="entry_year")
        return year


def _current_year() -> int:
    return datetime.date.today().year


class ClaimForm(forms.ModelForm):
    """Evidence for a claim: hand-held ID photos, or facts from one's own records."""

    id_front = SafeImageFormField(label=_("手持证件照（正面）"), required=False)
    id_back = SafeImageFormField(label=_("手持证件照（反面）"), required=False)

    class Meta:
        model = IdentityClaim
        fields = [
            "method",
            "id_front",
            "id_back",
            "fact_school_name",
            "fact_student_number",
            "fact_entry_year",
            "note",
        ]
        widgets = {"method": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, allow_facts: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        method = self.fields["method"]
        assert isinstance(method, forms.ChoiceField)  # a model field with choices
        if not allow_facts:
            method.choices = [
                (IdentityClaim.Method.ID_PHOTOS, IdentityClaim.Method.ID_PHOTOS.label)
            ]
            for name in ("fact_school_name", "fact_student_number", "fact_entry_year"):
                del self.fields[name]
        self.fields["method"].initial = IdentityClaim.Method.ID_PHOTOS

    def clean_fact_entry_year(self) -> int | None:
        year = self.cleaned_data.get("fact_entry_year")
        if year is not None and not 1950 <= year <= _current_year():
            raise ValidationError(_("请输入正确的入学年份"), code="entry_year")
        return year

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("method") == IdentityClaim.Method.ID_PHOTOS:
            for name in ("id_front", "id_back"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, ValidationError(_("请上传证件照片"), code="required"))
        elif data.get("method") == IdentityClaim.Method.RECORD_FACTS:
            for name in ("fact_school_name", "fact_student_number", "fact_entry_year"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, ValidationError(_("请填写此项"), code="required"))
        return data


class ReminderSettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["report_reminders"]
        labels = {
            "report_reminders": _(
                "在线验证报告或出具对象验证码到期前 7 天提醒我（短信，已激活的邮箱也会收到）"
            )
        }
        widgets = {"report_reminders": forms.CheckboxInput(attrs={"class": "form-check-input"})}
