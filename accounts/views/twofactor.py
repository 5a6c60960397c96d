"""The staff TOTP pages: enrol an authenticator app (QR code), then type its code each login."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import verify_token

from xuexin import throttle
from xuexin.logging import log_event
from xuexin.network import request_network
from xuexin.staff import otp_verified

from .. import throttles, twofactor
from ..forms import ERR_CURRENT_PASSWORD

ERR_WRONG_CODE = gettext_lazy("动态口令不正确或已过期，请输入验证器中当前显示的 6 位数字")
ERR_THROTTLED = gettext_lazy("错误次数过多，请稍后再试")


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("动态口令"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": gettext_lazy("请输入 6 位数字")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "maxlength": "7",
                "autofocus": True,
            }
        ),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()


class SetupForm(TokenForm):
    """Enrolling an authenticator is a 2FA change: it needs the current password too."""

    password = forms.CharField(
        label=gettext_lazy("登录密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["password", "token"]

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["token"].widget.attrs.pop("autofocus", None)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(ERR_CURRENT_PASSWORD, code="current_password")
        return password


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/admin/"


def _staff_only(request: HttpRequest) -> None:
    if not request.user.is_staff:
        raise Http404


def _render(request: HttpRequest, template: str, context: dict) -> TemplateResponse:
    return TemplateResponse(
        request, template, {**admin.site.each_context(request), **context, "next": _next(request)}
    )


@sensitive_post_parameters("token", "password")
@never_cache
@login_required(login_url="admin:login")
@throttle.limit(key="user", rate=throttles.per_target, method="POST")
@require_http_methods(["GET", "POST"])
def staff_otp_setup(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    user = request.user
    if otp_verified(user):
        return redirect(_next(request))
    if twofactor.has_confirmed_device(user):
        # A second device is added only after passing the first: a stolen password alone
        # must not be enough to enrol the thief's phone.
        return twofactor.second_factor_redirect(request, _next(request))
    device = twofactor.pending_device(user)
    form = SetupForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            twofactor.device_confirm(request=request, device=device)
            otp_login(request, device)
            messages.success(request, _("验证器已绑定，以后每次登录管理后台都需要输入动态口令。"))
            return redirect(_next(request))
        log_event("otp.failed", user=user.pk, step="setup", ip=request_network(request))
        form.add_error("token", ERR_WRONG_CODE)
    return _render(
        request,
        "accounts/staff_otp_setup.html",
        {
            "title": _("绑定验证器"),
            "form": form,
            "qr_svg": twofactor.qr_svg(device),
            "secret": twofactor.secret_for_humans(device),
        },
    )


@sensitive_post_parameters("token")
@never_cache
@login_required(login_url="admin:login")
@require_http_methods(["GET", "POST"])
def staff_otp_verify(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    user = request.user
    if otp_verified(user):
        return redirect(_next(request))
    devices = list(
        twofactor.TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("id")
    )
    if not devices:
        return twofactor.second_factor_redirect(request, _next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        for device in devices:
            verified = verify_token(user, device.persistent_id, token)
            if verified is not None:
                otp_login(request, verified)
                return redirect(_next(request))
        throttled = any(not device.verify_is_allowed()[0] for device in devices)
        log_event(
            "otp.failed", user=user.pk, step="verify", throttled=throttled,
            ip=request_network(request),
        )  # fmt: skip
        form.add_error("token", ERR_THROTTLED if throttled else ERR_WRONG_CODE)
    return _render(
        request, "accounts/staff_otp_verify.html", {"title": _("动态口令验证"), "form": form}
    )
