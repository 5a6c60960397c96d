"""注册学信网账号, in the real site's order (DESIGN journey 2).

One page, one HTML form, two buttons: 免费获取 validates the phone and the image captcha and
sends the SMS code; 立即注册 validates everything else. The page works without JavaScript;
static/js/register.js adds the 60-second countdown and the password strength hint.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from xuexin import throttle

from .. import otp, services, throttles
from ..forms import RegistrationForm, SendCodeForm
from ..models import OneTimeCode, User
from ..validators import normalize_mobile
from .common import client_ip

ERR_ID_UNDER_REVIEW = gettext_lazy("该证件号码的申诉正在审核中，客服审核通过后才能被再次注册")
BACKEND = "accounts.backends.PhoneEmailOrIdBackend"

# Never echoed back into the page.
NOT_ECHOED = {"password1", "password2", "captcha_0", "captcha_1", "sms_code", "csrfmiddlewaretoken"}


def _kept_values(data) -> dict[str, object]:
    return {key: value for key, value in data.items() if key not in NOT_ECHOED}


PROOF_KEY = "register_phone_proof"
PHONE_TAKEN_SMS = gettext_lazy(
    "【学信网仿真】您的手机号已注册学信网账号，无需重新注册。如忘记密码，"
    "请在登录页选择“找回密码”。如非本人操作，请忽略本短信。"
)


def proven_phone(request: HttpRequest) -> str | None:
    """The phone whose registration code this visitor typed correctly in the last minutes."""
    proof = request.session.get(PROOF_KEY) or {}
    if proof.get("until", 0) < time.time():
        return None
    return proof.get("phone")


def _remember_proof(request: HttpRequest, phone: str) -> None:
    until = time.time() + settings.OTP_VALID_MINUTES * 60
    request.session[PROOF_KEY] = {"phone": phone, "until": until}


def _render(request: HttpRequest, *, send_form: SendCodeForm, form: RegistrationForm, **extra):
    phone = form["phone"].value() or send_form["phone"].value() or ""
    phone = normalize_mobile(phone)
    resend_after = otp.seconds_until_resend(OneTimeCode.Purpose.REGISTER, phone) if phone else 0
    phone_errors = form.errors.as_data().get("phone", [])
    phone_taken = any(error.code == "phone_taken" for error in phone_errors)
    context = {
        "send_form": send_form,
        "form": form,
        "resend_after": resend_after,
        "phone_taken": phone_taken,
        "phone_proven": bool(phone) and phone == proven_phone(request),
        **extra,
    }
    return render(request, "accounts/register.html", context)


@throttle.limit(key="ip", rate=throttles.per_address, method="POST")
@throttle.limit(key=throttles.typed_phone, rate=throttles.per_target, method="POST")
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("records:archive-home")
    if request.method == "GET":
        return _render(request, send_form=SendCodeForm(), form=RegistrationForm())

    action = request.POST.get("action", "register")
    if action == "send_code":
        return _send_code(request)
    return _register(request, re_register=action == "re_register")


def _send_code(request: HttpRequest) -> HttpResponse:
    send_form = SendCodeForm(request.POST)
    form = RegistrationForm(initial=_kept_values(request.POST))
    if send_form.is_valid():
        phone = send_form.cleaned_data["phone"]
        # A phone that has an account gets a note instead of a code; the page says the same
        # either way, so the page never tells who has an account.
        taken = User.objects.filter(phone=phone).exists()
        try:
            otp.send_code(
                purpose=OneTimeCode.Purpose.REGISTER,
                destination=phone,
                ip=client_ip(request),
                text=str(PHONE_TAKEN_SMS) if taken else None,
            )
        except otp.CodeRefused as refused:
            send_form.add_error("phone", refused.message)
        else:
            messages.success(request, _("短信验证码已发送，请查收。10 分钟内有效。"))
            # A fresh captcha for the next request; the one just used is spent.
            send_form = SendCodeForm(initial={"phone": phone})
    return _render(request, send_form=send_form, form=form)


def _register(request: HttpRequest, *, re_register: bool) -> HttpResponse:
    """Possession first: the SMS code is checked before anything about accounts is looked at.

    A wrong code gets the same page whoever holds the phone, the ID number or the email. Once
    the code is right the phone stays proven for the code's lifetime, so fixing a field or
    choosing 我要重新注册 needs no new code.
    """
    form = RegistrationForm(request.POST, proven_phone=proven_phone(request))
    send_form = SendCodeForm(initial={"phone": request.POST.get("phone", "")})
    form.is_valid()
    phone = form.cleaned_data.get("phone")
    code = form.cleaned_data.get("sms_code")
    if phone and code and not form.phone_proven:
        try:
            otp.check_code(purpose=OneTimeCode.Purpose.REGISTER, destination=phone, code=code)
        except otp.CodeRefused as refused:
            form.add_error("sms_code", refused.message)
            return _render(request, send_form=send_form, form=form)
        _remember_proof(request, phone)
        form = RegistrationForm(request.POST, proven_phone=phone)
    if not form.is_valid() or not form.phone_proven:
        return _render(request, send_form=send_form, form=form)
    data = form.cleaned_data
    if services.claim_pending_for(data["id_type"], data["id_number"]):
        form.add_error("id_number", ERR_ID_UNDER_REVIEW)
        return _render(request, send_form=send_form, form=form)
    if not re_register and services.id_holder(data["id_type"], data["id_number"]):
        return _render(request, send_form=send_form, form=form, id_taken=True)
    try:
        user = services.register_account(
            phone=data["phone"],
            password=data["password1"],
            real_name=data["real_name"],
            id_type=data["id_type"],
            id_number=data["id_number"],
            email=data["email"],
            re_register=re_register,
        )
    except services.IdNumberUnderReview:
        form.add_error("id_number", ERR_ID_UNDER_REVIEW)
        return _render(request, send_form=send_form, form=form)
    except services.IdNumberTaken:
        return _render(request, send_form=send_form, form=form, id_taken=True)
    request.session.pop(PROOF_KEY, None)
    login(request, user, backend=BACKEND)
    services.record_login(user, request)
    if user.email:
        services.send_email_activation(request, user)
    return redirect("accounts:register-done")


@login_required
@require_GET
def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_done.html")


@require_GET
def terms(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/terms.html")
