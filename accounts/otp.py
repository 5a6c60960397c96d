"""SMS verification codes (DESIGN §4.3).

6 digits from ``secrets``; only an HMAC of the code is stored; bound to a purpose and a
destination; valid for 10 minutes; single use; dead after 5 wrong tries; a new one no sooner
than 60 s after the last; at most 10 a day per destination and a cap per IP. Sending a new code
retires the previous one.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import OneTimeCode
from .sms import send_sms

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

ERR_RESEND_TOO_SOON = _("验证码发送过于频繁，请 %(seconds)d 秒后再试")
ERR_DAILY_LIMIT = _("该手机号今日获取验证码次数已达上限，请明天再试")
ERR_IP_LIMIT = _("当前网络今日获取验证码次数过多，请明天再试")
ERR_CODE_EXPIRED = _("短信验证码已失效，请重新获取")
ERR_CODE_WRONG = _("短信验证码错误，还可尝试 %(left)d 次")
ERR_CODE_DEAD = _("短信验证码错误次数过多，请重新获取")
ERR_GATEWAY = _("短信发送失败，请稍后再试")

SMS_TEMPLATES: dict[str, StrOrPromise] = {
    OneTimeCode.Purpose.REGISTER: _(
        "【学信网仿真】您正在注册学信网账号，验证码 %(code)s，%(minutes)d 分钟内有效。"
        "请勿将验证码告诉他人。如非本人操作请忽略。"
    ),
    OneTimeCode.Purpose.RESET_PASSWORD: _(
        "【学信网仿真】您正在找回学信网账号密码，验证码 %(code)s，%(minutes)d 分钟内有效。"
        "请勿将验证码告诉他人。"
    ),
    OneTimeCode.Purpose.CHANGE_PHONE: _(
        "【学信网仿真】您正在将此号码绑定到学信网账号，验证码 %(code)s，%(minutes)d 分钟内有效。"
    ),
}


class CodeRefused(Exception):
    """A code could not be sent or accepted; ``message`` says why, in Chinese."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class SentCode:
    destination: str
    resend_after: int


def _digest(code: str, nonce: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{nonce}:{code}".encode(), hashlib.sha256).hexdigest()


def seconds_until_resend(purpose: str, destination: str) -> int:
    latest = (
        OneTimeCode.objects.filter(purpose=purpose, destination=destination)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if latest is None:
        return 0
    elapsed = (timezone.now() - latest).total_seconds()
    return max(0, int(settings.OTP_RESEND_SECONDS - elapsed + 0.999))


def send_code(
    *, purpose: str, destination: str, ip: str | None, text: str | None = None
) -> SentCode:
    """Send a fresh code, or raise CodeRefused when a limit says no.

    ``text`` replaces the usual message (without the code): a code is still recorded, so the
    timers and limits run exactly as for any other send, but nobody can learn it.
    """
    now = timezone.now()
    day_ago = now - datetime.timedelta(days=1)
    with transaction.atomic():
        wait = seconds_until_resend(purpose, destination)
        if wait:
            raise CodeRefused(str(ERR_RESEND_TOO_SOON % {"seconds": wait}), "resend_too_soon")
        sent_today = OneTimeCode.objects.filter(destination=destination, created_at__gte=day_ago)
        if sent_today.count() >= settings.OTP_DAILY_LIMIT_PER_DESTINATION:
            raise CodeRefused(str(ERR_DAILY_LIMIT), "daily_limit")
        if ip and (
            OneTimeCode.objects.filter(requested_ip=ip, created_at__gte=day_ago).count()
            >= settings.OTP_DAILY_LIMIT_PER_IP
        ):
            raise CodeRefused(str(ERR_IP_LIMIT), "ip_limit")
        OneTimeCode.objects.filter(
            purpose=purpose, destination=destination, used_at__isnull=True
        ).update(used_at=now)
        code = f"{secrets.randbelow(1_000_000):06d}"
        nonce = secrets.token_hex(16)
        created = OneTimeCode.objects.create(
            purpose=purpose,
            destination=destination,
            code_hash=_digest(code, nonce),
            nonce=nonce,
            created_at=now,
            expires_at=now + datetime.timedelta(minutes=settings.OTP_VALID_MINUTES),
            requested_ip=ip,
        )
    if text is None:
        text = SMS_TEMPLATES[purpose] % {"code": code, "minutes": settings.OTP_VALID_MINUTES}
    try:
        send_sms(destination, str(text))
    except Exception:  # noqa: BLE001 - any gateway failure: the code is void, the user may retry
        logger.exception("sms gateway failed to send a one-time code")
        created.delete()  # never sent: it must not hold back the next try
        raise CodeRefused(str(ERR_GATEWAY), "gateway") from None
    return SentCode(destination=destination, resend_after=settings.OTP_RESEND_SECONDS)


def check_code(*, purpose: str, destination: str, code: str) -> None:
    """Accept the code once, or raise CodeRefused. A wrong try counts against the code."""
    now = timezone.now()
    current = (
        OneTimeCode.objects.filter(
            purpose=purpose, destination=destination, used_at__isnull=True, expires_at__gt=now
        )
        .order_by("-created_at")
        .first()
    )
    if current is None:
        raise CodeRefused(str(ERR_CODE_EXPIRED), "expired")
    if current.attempts >= settings.OTP_MAX_ATTEMPTS:
        raise CodeRefused(str(ERR_CODE_DEAD), "dead")
    typed = (code or "").strip()
    if not hmac.compare_digest(_digest(typed, current.nonce), current.code_hash):
        OneTimeCode.objects.filter(pk=current.pk).update(attempts=F("attempts") + 1)
        left = settings.OTP_MAX_ATTEMPTS - current.attempts - 1
        if left <= 0:
            raise CodeRefused(str(ERR_CODE_DEAD), "dead")
        raise CodeRefused(str(ERR_CODE_WRONG % {"left": left}), "wrong")
    # Conditional update: of two requests racing with the same code, only one wins.
    won = OneTimeCode.objects.filter(pk=current.pk, used_at__isnull=True).update(used_at=now)
    if not won:
        raise CodeRefused(str(ERR_CODE_EXPIRED), "expired")
