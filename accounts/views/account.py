"""账号管理: the account holder's own page. No ids in URLs: everything acts on request.user."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from xuexin import throttle
from xuexin.authed import AuthedRequest

from .. import otp, services, throttles
from ..forms import BindEmailForm, ChangePasswordForm, ChangePhoneForm, ReminderSettingsForm
from ..models import OneTimeCode
from .common import client_ip


@login_required
@never_cache
def account_home(request: AuthedRequest) -> HttpResponse:
    logins = request.user.login_events.all()[:10]
    reminders = ReminderSettingsForm(instance=request.user)
    return render(request, "accounts/account.html", {"logins": logins, "reminders": reminders})


@login_required
@require_POST
def reminder_settings(request: AuthedRequest) -> HttpResponse:
    form = ReminderSettingsForm(request.POST, instance=request.user)
    if form.is_valid():
        form.save()
        if form.cleaned_data["report_reminders"]:
            messages.success(request, _("已开启在线验证报告到期提醒。"))
        else:
            messages.success(request, _("已关闭在线验证报告到期提醒。"))
    return redirect("accounts:account")


@sensitive_post_parameters("current_password", "password1", "password2")
@login_required
@never_cache
@throttle.limit(key="user", rate=throttles.per_target, method="POST")
@require_http_methods(["GET", "POST"])
def change_password(request: AuthedRequest) -> HttpResponse:
    form = ChangePasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.password_set(
            user=request.user,
            password=form.cleaned_data["password1"],
            event="account.password_changed",
            request=request,
        )
        # This session carries on under the new password; every other session has ended.
        update_session_auth_hash(request, request.user)
        request.session.cycle_key()
        messages.success(request, _("密码已修改，其他设备上的登录已失效。"))
        return redirect("accounts:account")
    return render(request, "accounts/change_password.html", {"form": form})


@sensitive_post_parameters("password", "sms_code")
@login_required
@never_cache
@throttle.limit(key="user", rate=throttles.per_target, method="POST")
@require_http_methods(["GET", "POST"])
def change_phone(request: AuthedRequest) -> HttpResponse:
    form = ChangePhoneForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        new_phone = form.cleaned_data["new_phone"]
        if request.POST.get("action") == "send_code":
            try:
                otp.send_code(
                    purpose=OneTimeCode.Purpose.CHANGE_PHONE,
                    destination=new_phone,
                    ip=client_ip(request),
                )
            except otp.CodeRefused as refused:
                form.add_error("new_phone", refused.message)
            else:
                messages.success(request, _("短信验证码已发送到新手机号。"))
        else:
            try:
                otp.check_code(
                    purpose=OneTimeCode.Purpose.CHANGE_PHONE,
                    destination=new_phone,
                    code=form.cleaned_data.get("sms_code") or "",
                )
            except otp.CodeRefused as refused:
                form.add_error("sms_code", refused.message)
            else:
                services.phone_change(user=request.user, new_phone=new_phone, request=request)
                messages.success(request, _("手机号已更换，请使用新手机号登录。"))
                return redirect("accounts:account")
    return render(request, "accounts/change_phone.html", {"form": form})


@sensitive_post_parameters("password")
@login_required
@never_cache
@throttle.limit(key="user", rate=throttles.per_target, method="POST")
@require_http_methods(["GET", "POST"])
def bind_email(request: AuthedRequest) -> HttpResponse:
    form = BindEmailForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.email_change(user=request.user, new_email=form.cleaned_data["email"],
                              request=request)  # fmt: skip
        messages.success(request, _("激活邮件已发送，请在 24 小时内点击邮件中的链接完成激活。"))
        return redirect("accounts:account")
    return render(request, "accounts/bind_email.html", {"form": form})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def verify_email(request: AuthedRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST activates, so link scanners change nothing."""
    if request.method == "POST":
        try:
            services.email_activate(user=request.user, token=token)
        except services.BadEmailToken:
            return render(request, "accounts/link_invalid.html", status=400)
        messages.success(request, _("邮箱已激活，现在可以使用邮箱登录。"))
        return redirect("accounts:account")
    return render(request, "accounts/verify_email.html")
