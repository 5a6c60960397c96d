"""Staff two-factor login (TOTP): a code from an authenticator app before any admin page.

Staff log in to the admin with phone and password as before; this middleware then sends them to
enrol a TOTP device (first time, QR code) or to type the current code (every new session)
before any /admin/ URL answers. Students never have ``is_staff`` and never see it.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from urllib.parse import urlencode

import segno
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from xuexin.logging import log_event
from xuexin.network import request_network
from xuexin.notifications import notify
from xuexin.staff import staff_needs_second_factor


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


class StaffTwoFactorMiddleware:
    """Every admin URL except login and logout needs a verified TOTP device for staff."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: object, view_args: object, view_kwargs: object
    ) -> HttpResponse | None:
        # In process_view, after CsrfViewMiddleware's: a forged POST is refused as such first.
        if self._guarded(request.path_info) and staff_needs_second_factor(request.user):
            return second_factor_redirect(request, request.get_full_path())
        return None

    @staticmethod
    def _guarded(path: str) -> bool:
        if not path.startswith(reverse("admin:index")):
            return False
        return path not in {reverse("admin:login"), reverse("admin:logout")}


def second_factor_redirect(request: HttpRequest, next_url: str) -> HttpResponseRedirect:
    name = "accounts:staff-otp-verify"
    if not has_confirmed_device(request.user):
        name = "accounts:staff-otp-setup"
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': next_url})}")


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled, created with a fresh random key if needed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def secret_for_humans(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed: base32 in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// URI as an inline SVG QR code, drawn here: no external request."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)
    return mark_safe(svg)  # noqa: S308 - segno's own markup, no user input in tags


def device_confirm(*, request: HttpRequest, device: TOTPDevice) -> None:
    """A new authenticator is a 2FA change: logged, and told to the account's channels."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        log_event("otp.device_added", user=device.user_id, ip=request_network(request))
        notify(
            device.user,
            _(
                "【学信网仿真】您的学信网管理账号绑定了新的动态口令验证器。如非本人操作，请立即联系管理员。"
            ),
            _("学信网（仿真）：账号安全提醒"),
        )
