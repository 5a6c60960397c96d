"""找回用户名 and 找回密码 (DESIGN journey 10).

找回用户名 shows the masked username for a matching 证件号码 + 姓名, as the real site does. 找回密码
answers the same way whether or not the account exists: the next step simply never accepts a
code for an account that is not there.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from .. import otp
from ..backends import find_login_user
from ..forms import RecoverPasswordForm, RecoverUsernameForm, ResetWithCodeForm, SetPasswordForm
from ..models import OneTimeCode, User
from .common import client_ip

RESET_SESSION_KEY = "password_reset_target"
RATE = "20/h"


@never_cache
@ratelimit(key="ip", rate=RATE, method="POST", block=True)
@require_http_methods(["GET", "POST"])
def recover_username(request: HttpRequest) -> HttpResponse:
    form = RecoverUsernameForm(request.POST or None)
    found: list[str] | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        accounts = User.objects.filter(
            id_type=data["id_type"],
            id_number=data["id_number"],
            real_name=data["real_name"],
            is_active=True,
        ).order_by("date_joined")
        found = [account.masked_phone for account in accounts]
        form = RecoverUsernameForm()
    return render(request, "accounts/recover_username.html", {"form": form, "found": found})


@never_cache
@ratelimit(key="ip", rate=RATE, method="POST", block=True)
@require_http_methods(["GET", "POST"])
def recover_password(request: HttpRequest) -> HttpResponse:
    form = RecoverPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = find_login_user(form.cleaned_data["username"])
        if user is not None and not user.is_active:
            user = None
        channel = form.cleaned_data["channel"]
        if channel == "email":
            if user is not None and user.email and user.email_verified_at:
                _send_reset_link(request, user)
            messages.info(
                request,
                _("如果该账号存在且已激活邮箱，重置密码的链接已发送到绑定邮箱，30 分钟内有效。"),
            )
            return redirect("accounts:login")
        request.session[RESET_SESSION_KEY] = user.pk if user is not None else None
        if user is not None:
            try:
                otp.send_code(
                    purpose=OneTimeCode.Purpose.RESET_PASSWORD,
                    destination=user.phone,
                    ip=client_ip(request),
                )
            except otp.CodeRefused as refused:
                messages.error(request, refused.message)
        return redirect("accounts:recover-password-code")
    return render(request, "accounts/recover_password.html", {"form": form})


def _send_reset_link(request: HttpRequest, user: User) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = request.build_absolute_uri(reverse("accounts:recover-password-email", args=[uid, token]))
    body = _(
        "您好，\n\n请在 30 分钟内打开以下链接重置学信网（仿真）账号密码，"
        "链接只能使用一次：\n%(link)s\n\n"
        "如果不是您本人操作，请忽略本邮件，您的密码不会改变。\n\n学信网（仿真系统）"
    ) % {"link": link}
    send_mail(_("学信网（仿真）：重置密码"), body, None, [user.email])


def _finish_reset(request: HttpRequest, user: User, password: str) -> HttpResponse:
    # Changing the password invalidates every session of the account (their auth hash no
    # longer matches), so whoever else was logged in is out.
    user.set_password(password)
    user.save(update_fields=["password"])
    request.session.pop(RESET_SESSION_KEY, None)
    messages.success(request, _("密码已重置，请使用新密码登录。"))
    return redirect("accounts:login")


@sensitive_post_parameters("password1", "password2", "sms_code")
@never_cache
@ratelimit(key="ip", rate=RATE, method="POST", block=True)
@require_http_methods(["GET", "POST"])
def recover_password_code(request: HttpRequest) -> HttpResponse:
    if RESET_SESSION_KEY not in request.session:
        return redirect("accounts:recover-password")
    target_pk = request.session.get(RESET_SESSION_KEY)
    user = User.objects.filter(pk=target_pk, is_active=True).first() if target_pk else None
    form = ResetWithCodeForm(request.POST or None, user=user or User())
    if request.method == "POST" and form.is_valid():
        try:
            if user is None:
                raise otp.CodeRefused(str(otp.ERR_CODE_EXPIRED), "expired")
            otp.check_code(
                purpose=OneTimeCode.Purpose.RESET_PASSWORD,
                destination=user.phone,
                code=form.cleaned_data["sms_code"],
            )
        except otp.CodeRefused as refused:
            form.add_error("sms_code", refused.message)
        else:
            return _finish_reset(request, user, form.cleaned_data["password1"])
    return render(request, "accounts/recover_password_code.html", {"form": form})


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def recover_password_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError):
        pk = None
    user = User.objects.filter(pk=pk, is_active=True).first() if pk else None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "accounts/link_invalid.html", status=400)
    form = SetPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        return _finish_reset(request, user, form.cleaned_data["password1"])
    return render(request, "accounts/recover_password_email.html", {"form": form})
