"""Demo logins: a student bound to the seed's example student, a registrar, a national admin."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from records.models import Person, School

from . import roles
from .models import User


@dataclass(frozen=True)
class DemoLogin:
    role: str
    phone: str
    password: str
    note: str
    # Staff pass a TOTP step; the demo's keys are public like the passwords (hex, 20 bytes).
    totp_key: str = ""

    @property
    def totp_secret(self) -> str:
        """The key as an authenticator app takes it (base32)."""
        return base64.b32encode(bytes.fromhex(self.totp_key)).decode() if self.totp_key else ""


STUDENT = DemoLogin(
    str(_("学生")), "13800000001", "xuexin-demo-student", str(_("示例学生，2 个学籍"))
)
REGISTRAR = DemoLogin(
    str(_("学校学籍管理员")),
    "13800000002",
    "xuexin-demo-registrar",
    str(_("中山大学（10558）")),
    totp_key="78756578696e2d64656d6f2d7265676973747261",
)
ADMIN = DemoLogin(
    str(_("国家管理员")),
    "13800000003",
    "xuexin-demo-admin",
    str(_("全部数据，管理后台 /admin/")),
    totp_key="78756578696e2d64656d6f2d61646d696e2d2d31",
)
STAFF_LOGINS = [REGISTRAR, ADMIN]
DEMO_DEVICE_NAME = "demo"


def demo_device(login: DemoLogin) -> TOTPDevice | None:
    return (
        TOTPDevice.objects.filter(user__phone=login.phone, name=DEMO_DEVICE_NAME, confirmed=True)
        .select_related("user")
        .first()
    )


def _ensure_device(user: User, login: DemoLogin) -> None:
    """A confirmed authenticator with the published key, so the demo needs no phone app."""
    TOTPDevice.objects.get_or_create(
        user=user, name=DEMO_DEVICE_NAME, defaults={"key": login.totp_key, "confirmed": True}
    )


def _ensure(login: DemoLogin, **fields: object) -> User:
    user = User.objects.filter(phone=login.phone).first()
    if user is None:
        user = User(phone=login.phone, **fields)
        user.set_password(login.password)
        user.save()
    return user


def create_demo_logins(example: Person) -> list[DemoLogin]:
    _ensure(
        STUDENT,
        real_name=example.name,
        id_type=example.id_type,
        id_number=example.id_number,
        person=example,
        identity_verified_at=timezone.now(),
        identity_verified_method=User.VerificationMethod.SCHOOL_NAME,
    )
    registrar = _ensure(
        REGISTRAR,
        real_name="林晓岚",
        is_staff=True,
        school=School.objects.get(code="10558"),
    )
    registrar.groups.add(Group.objects.get(name=roles.SCHOOL_REGISTRAR))
    _ensure_device(registrar, REGISTRAR)
    admin = _ensure(ADMIN, real_name="周国栋", is_staff=True, is_superuser=True)
    admin.groups.add(Group.objects.get(name=roles.NATIONAL_ADMIN))
    _ensure_device(admin, ADMIN)
    return [STUDENT, REGISTRAR, ADMIN]
