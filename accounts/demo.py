"""Demo logins: a student bound to the seed's example student, a registrar, a national admin."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from records.models import Person, School

from . import roles
from .models import User


@dataclass(frozen=True)
class DemoLogin:
    role: str
    phone: str
    password: str
    note: str


STUDENT = DemoLogin(
    str(_("学生")), "13800000001", "xuexin-demo-student", str(_("示例学生，2 个学籍"))
)
REGISTRAR = DemoLogin(
    str(_("学校学籍管理员")), "13800000002", "xuexin-demo-registrar", str(_("中山大学（10558）"))
)
ADMIN = DemoLogin(
    str(_("国家管理员")), "13800000003", "xuexin-demo-admin", str(_("全部数据，管理后台 /admin/"))
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
    admin = _ensure(ADMIN, real_name="周国栋", is_staff=True, is_superuser=True)
    admin.groups.add(Group.objects.get(name=roles.NATIONAL_ADMIN))
    return [STUDENT, REGISTRAR, ADMIN]
