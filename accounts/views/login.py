"""登录学信档案 (DESIGN §4.3): one message for every failure, captcha after 3, throttled by axes."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate, login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from xuexin.logging import log_event
from xuexin.network import request_network

from .. import services
from ..forms import ERR_LOGIN, LoginForm
from ..signals import mask_username

CAPTCHA_FLAG = "login_needs_captcha"


def _failures(request: HttpRequest, username: str) -> int:
    return AxesProxyHandler.get_failures(request, {"username": username})


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request) or settings.LOGIN_REDIRECT_URL)
    needs_captcha = bool(request.session.get(CAPTCHA_FLAG))
    form = LoginForm(request.POST or None, needs_captcha=needs_captcha)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        if (
            not needs_captcha
            and _failures(request, username) >= settings.LOGIN_CAPTCHA_AFTER_FAILURES
        ):
            # Too many failures for this name from here: the captcha comes first.
            request.session[CAPTCHA_FLAG] = True
            form = LoginForm(request.POST, needs_captcha=True)
            form.is_valid()
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request, form.cleaned_data)
            if user is not None:
                login(request, user)  # rotates the session key
                request.session.pop(CAPTCHA_FLAG, None)
                services.record_login(user, request)
                services.bind_matching_person(user)
                return redirect(_safe_next(request) or settings.LOGIN_REDIRECT_URL)
            if _failures(request, username) >= settings.LOGIN_CAPTCHA_AFTER_FAILURES:
                # From now on the captcha is required: show it on this very page, so the next
                # attempt can succeed (DESIGN §4.3).
                request.session[CAPTCHA_FLAG] = True
                form = LoginForm(initial={"username": username}, needs_captcha=True)
                form.cleaned_data = {}  # an unbound form that carries the one login message
            form.add_error(None, ERR_LOGIN)
    context = {"form": form, "next": _safe_next(request) or ""}
    return render(request, "accounts/login.html", context)


def lockout_response(
    request: HttpRequest, credentials: object = None, *args, **kwargs
) -> HttpResponse:
    """Shown instead of the login page while a (username, IP) pair cools off."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    typed = (credentials or {}).get("username") if isinstance(credentials, dict) else None
    log_event(
        "login.locked",
        user=mask_username(str(typed or request.POST.get("username", ""))),
        ip=request_network(request),
    )
    response = render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
