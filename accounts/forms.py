"""Forms of the account pages. They normalise and validate; views never re-validate."""

from __future__ import annotations

import datetime

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


def captcha_field() -> CaptchaField:
    return CaptchaField(
        label=_("图片验证码"),
        widget=CaptchaInput(attrs={"class": "form-control", "autocomplete": "off", "maxlength": 8}),
        error_messages={"invalid": ERR_CAPTCHA, "required": _("请输入图片验证码")},
    )


class PhoneField(forms.CharField):
    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("label", _("手机号"))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "tel"})

    def to_python(self, value):  # type: ignore[no-untyped-def]
        return normalize_mobile(super().to_python(value))

    def validate(self, value: str) -> None:
        super().validate(value)
        if value:
            validate_mobile(value)


class SendCodeForm(forms.Form):
    """Step 1 of registration: phone + image captcha, then the SMS code is sent."""

    phone = PhoneField()
    captcha = captcha_field()

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        if User.objects.filter(phone=phone).exists():
            raise ValidationError(ERR_PHONE_TAKEN, code="phone_taken")
        return phone


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

    def check_password_pair(self, user: User) -> None:
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


class RegistrationForm(PasswordPairMixin):
    """注册学信网账号, fields in the real site's order."""

    phone = PhoneField()
    sms_code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        min_length=6,
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

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        if User.objects.filter(phone=phone).exists():
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
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(ERR_EMAIL_TAKEN, code="email_taken")
        return email

    def clean(self) -> dict[str, object]:
        data = super().clean()
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
        self.check_password_pair(probe)
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

    def __init__(self, *args: object, needs_captcha: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if needs_captcha:
            self.fields["captcha"] = captcha_field()


class RecoverUsernameForm(forms.Form):
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(label=_("证件号码"), max_length=30)
    real_name = forms.CharField(label=_("姓名"), max_length=50)
    captcha = captcha_field()

    def clean(self) -> dict[str, object]:
        data = super().clean()
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
    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, object]:
        data = super().clean()
        self.check_password_pair(self.user)
        return data


class ResetWithCodeForm(SetPasswordForm):
    sms_code = forms.CharField(label=_("短信验证码"), min_length=6, max_length=6)
    field_order = ["sms_code", "password1", "password2"]


class ChangePasswordForm(SetPasswordForm):
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


class ChangePhoneForm(forms.Form):
    new_phone = PhoneField(label=_("新手机号"))
    password = forms.CharField(label=_("登录密码"), strip=False, widget=forms.PasswordInput)
    sms_code = forms.CharField(label=_("短信验证码"), min_length=6, max_length=6, required=False)

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_new_phone(self) -> str:
        phone = self.cleaned_data["new_phone"]
        if User.objects.filter(phone=phone).exclude(pk=self.user.pk).exists():
            raise ValidationError(_("该手机号已被其他账号绑定"), code="phone_taken")
        if phone == self.user.phone:
            raise ValidationError(_("新手机号与当前手机号相同"), code="same_phone")
        return phone

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(ERR_CURRENT_PASSWORD, code="current_password")
        return password


class BindEmailForm(forms.Form):
    email = forms.EmailField(label=_("电子邮箱"))

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists():
            raise ValidationError(ERR_EMAIL_TAKEN, code="email_taken")
        return email


class SchoolNameCheckForm(forms.Form):
    school_name = forms.CharField(
        label=_("就读院校名称"),
        max_length=100,
        help_text=_("请输入您曾就读或正在就读的任意一所院校的全称，例如“北京大学”。"),
    )


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

    def __init__(self, *args: object, allow_facts: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if not allow_facts:
            self.fields["method"].choices = [
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
        data = super().clean()
        if data.get("method") == IdentityClaim.Method.ID_PHOTOS:
            for name in ("id_front", "id_back"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, ValidationError(_("请上传证件照片"), code="required"))
        elif data.get("method") == IdentityClaim.Method.RECORD_FACTS:
            for name in ("fact_school_name", "fact_student_number", "fact_entry_year"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, ValidationError(_("请填写此项"), code="required"))
        return data
