"""找回用户名 and 找回密码 (DESIGN journey 10), possession first (DESIGN §4.3).

Nothing on these pages depends on whether an account exists: 找回用户名 sends its answer to the
account's own phone and email; 找回密码 answers every username alike, with one resend timer per
typed name, and its second step checks the SMS code before it looks at the account at all.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from xuexin import throttle
from xuexin.logging import log_event
from xuexin.network import request_network
from xuexin.notifications import notify

from .. import otp, services, throttles
from ..backends import find_login_user
from ..forms import (
    ERR_RESET_CODE,
    RecoverPasswordForm,
    RecoverUsernameForm,
    ResetWithCodeForm,
    SetPasswordForm,
)
from ..models import OneTimeCode, User
from .common import client_ip

RESET_SESSION_KEY = "password_reset_target"
RESET_PROOF_KEY = "password_reset_proof"
TIMER_KEY = "recover-password-timer:{digest}"
USERNAME_SENT = gettext_lazy(
    "如果证件号码和姓名与某个账号相符，用户名已通过短信发送到该账号绑定的手机"
    "（已激活邮箱的，也会发送到邮箱）。"
)
USERNAME_SMS = gettext_lazy(
    "【学信网仿真】您查询的学信网账号用户名为本手机号 %(phone)s，可使用手机号登录。"
    "如非本人操作，请忽略本短信。"
)


def _throttled_post(view):
    """Per address, and per what was typed (the username or ID number), on every POST."""
    return throttle.limit(key="ip", rate=throttles.per_address, method="POST")(view)


@never_cache
@_throttled_post
@throttle.limit(key=throttles.typed_id_number, rate=throttles.per_target, method="POST")
@require_http_methods(["GET", "POST"])
def recover_username(request: HttpRequest) -> HttpResponse:
    """找回用户名: the answer goes to the account's own phone (and verified email), never to the
    page, so the page says the same whether or not an account matches (possession first)."""
    form = RecoverUsernameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        accounts = User.objects.filter(
            id_type=data["id_type"],
            id_number=data["id_number"],
            real_name=data["real_name"],
            is_active=True,
        )
        for account in accounts:
            notify(
                account,
                str(USERNAME_SMS % {"phone": account.masked_phone}),
                _("学信网（仿真）：找回用户名"),
            )
        log_event(
            "account.username_requested",
            matched=len(accounts) > 0,
            ip=request_network(request),
        )
        messages.info(request, USERNAME_SENT)
        return redirect("accounts:login")
    return render(request, "accounts/recover_username.html", {"form": form})


def _resend_wait(typed_username: str) -> int:
    """Seconds before this username may ask again; the same for every name, known or not."""
    started = cache.get(TIMER_KEY.format(digest=throttles.username_digest(typed_username)))
    if started is None:
        return 0
    return max(0, int(settings.OTP_RESEND_SECONDS - (time.time() - started) + 0.999))


def _start_timer(typed_username: str) -> None:
    key = TIMER_KEY.format(digest=throttles.username_digest(typed_username))
    cache.set(key, time.time(), timeout=settings.OTP_RESEND_SECONDS)


@never_cache
@_throttled_post
@throttle.limit(key=throttles.typed_username, rate=throttles.per_target, method="POST")
@require_http_methods(["GET", "POST"])
def recover_password(request: HttpRequest) -> HttpResponse:
    """Every username gets the same answer and the same resend timer; only the account's own
    phone or email ever receives anything."""
    form = RecoverPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        typed = form.cleaned_data["username"]
        wait = _resend_wait(typed)
        if wait:
            form.add_error(None, str(otp.ERR_RESEND_TOO_SOON % {"seconds": wait}))
            return render(request, "accounts/recover_password.html", {"form": form})
        _start_timer(typed)
        user = find_login_user(typed)
        if user is not None and not user.is_active:
            user = None
        channel = form.cleaned_data["channel"]
        log_event(
            "password.reset_requested",
            user=user.pk if user else None,
            channel=channel,
            ip=request_network(request),
        )
        if channel == "email":
            if user is not None and user.email and user.email_verified_at:
                _send_reset_link(request, user)
            messages.info(
                request,
                _("如果该账号存在且已激活邮箱，重置密码的链接已发送到绑定邮箱，30 分钟内有效。"),
            )
            return redirect("accounts:login")
        request.session[RESET_SESSION_KEY] = user.pk if user is not None else None
        request.session.pop(RESET_PROOF_KEY, None)
        if user is not None:
            try:
                otp.send_code(
                    purpose=OneTimeCode.Purpose.RESET_PASSWORD,
                    destination=user.phone,
                    ip=client_ip(request),
                )
            except otp.CodeRefused as refused:
                # Said to nobody: an unknown name could not be refused, so a known one isn't.
                log_event("password.reset_code_refused", user=user.pk, reason=refused.code)
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
    if not user.email:
        raise ValueError("the account has no email address to send the link to")
    send_mail(_("学信网（仿真）：重置密码"), body, None, [user.email])


def _finish_reset(request: HttpRequest, user: User, password: str, channel: str) -> HttpResponse:
    # Changing the password invalidates every session of the account (their auth hash no
    # longer matches), so whoever else was logged in is out.
    services.password_set(user=user, password=password, event="password.reset_completed",
                          channel=channel, request=request)  # fmt: skip
    request.session.pop(RESET_SESSION_KEY, None)
    request.session.pop(RESET_PROOF_KEY, None)
    messages.success(request, _("密码已重置，请使用新密码登录。"))
    return redirect("accounts:login")


def _reset_target(request: HttpRequest) -> User | None:
    target_pk = request.session.get(RESET_SESSION_KEY)
    return User.objects.filter(pk=target_pk, is_active=True).first() if target_pk else None


def _reset_proven(request: HttpRequest, user: User | None) -> bool:
    proof = request.session.get(RESET_PROOF_KEY) or {}
    return user is not None and proof.get("user") == user.pk and proof.get("until", 0) > time.time()


def reset_target_key(group: str, request: HttpRequest) -> str:
    """The per-target throttle of step 2: the account being recovered (or this session)."""
    target = request.session.get(RESET_SESSION_KEY)
    return f"user:{target}" if target else f"session:{request.session.session_key}"


@sensitive_post_parameters("password1", "password2", "sms_code")
@never_cache
@_throttled_post
@throttle.limit(key=reset_target_key, rate=throttles.per_target, method="POST")
@require_http_methods(["GET", "POST"])
def recover_password_code(request: HttpRequest) -> HttpResponse:
    """Possession first: until the SMS code is accepted, nothing about the account is looked
    at — not even whether there is one — and every wrong code gets the same answer. The new
    password is checked against the account's numbers and name only after that."""
    if RESET_SESSION_KEY not in request.session:
        return redirect("accounts:recover-password")
    user = _reset_target(request)
    proven = _reset_proven(request, user)
    form = ResetWithCodeForm(request.POST or None, user=user if proven else None)
    if request.method == "POST" and form.is_valid():
        if not proven:
            try:
                if user is None:
                    raise otp.CodeRefused(str(ERR_RESET_CODE), "unknown")
                otp.check_code(
                    purpose=OneTimeCode.Purpose.RESET_PASSWORD,
                    destination=user.phone,
                    code=form.cleaned_data["sms_code"],
                )
            except otp.CodeRefused:
                form.add_error("sms_code", ERR_RESET_CODE)
                return render(request, "accounts/recover_password_code.html", {"form": form})
            request.session[RESET_PROOF_KEY] = {
                "user": user.pk,
                "until": time.time() + settings.OTP_VALID_MINUTES * 60,
            }
            # Now, and only now, the password meets the rules that know the person.
            form = ResetWithCodeForm(request.POST, user=user)
            if not form.is_valid():
                return render(
                    request, "accounts/recover_password_code.html", {"form": form, "proven": True}
                )
        if user is None:  # proven means an account; without one the code was refused above
            raise PermissionDenied
        return _finish_reset(request, user, form.cleaned_data["password1"], "phone")
    context = {"form": form, "proven": proven}
    return render(request, "accounts/recover_password_code.html", context)


@sensitive_post_parameters("password1", "password2")
@never_cache
@_throttled_post
@require_http_methods(["GET", "POST"])
def recover_password_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link is the possession proof: it is checked before anything else."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError):
        pk = None
    user = User.objects.filter(pk=pk, is_active=True).first() if pk else None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "accounts/link_invalid.html", status=400)
    form = SetPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        return _finish_reset(request, user, form.cleaned_data["password1"], "email")
    return render(request, "accounts/recover_password_email.html", {"form": form})
