"""Staff roles as groups with permissions (DESIGN §4.6). Kept in step after every migrate."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from xuexin.logging import log_event

if TYPE_CHECKING:
    from django.contrib.auth.models import Permission

NATIONAL_ADMIN = "国家管理员"
SCHOOL_REGISTRAR = "学校学籍管理员"
SUPPORT = "客服"

ROLE_DESCRIPTIONS = {
    NATIONAL_ADMIN: _("全部数据与账号、角色管理"),
    SCHOOL_REGISTRAR: _("仅本校学生及其学籍、学历、学位信息"),
    SUPPORT: _("身份核验申诉与帮助中心内容"),
}

RECORD_MODELS = [
    "person",
    "enrollment",
    "qualification",
    "degreeaward",
    "examregistration",
    "graduatedestination",
]

# (app_label, codename) pairs for each role; the national administrator gets every permission.
ROLE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    SCHOOL_REGISTRAR: [("records", "view_school")]
    + [
        ("records", f"{action}_{model}")
        for model in RECORD_MODELS
        for action in ("view", "add", "change")
    ]
    + [
        ("records", f"{action}_{model}")
        for model in ("photoreview", "correctionrequest")
        for action in ("view", "change")
    ],
    SUPPORT: [
        ("accounts", "view_user"),
        ("accounts", "view_identityclaim"),
        ("accounts", "change_identityclaim"),
    ]
    + [
        ("helpcenter", f"{action}_{model}")
        for model in ("category", "article", "announcement", "searchsynonym")
        for action in ("view", "add", "change")
    ],
}
# Accounts, groups and permissions are changed by national administrators only: no other role
# holds any of the auth/accounts "add" or "change" permissions on users and groups.


def ensure_roles(**kwargs: Any) -> None:
    """Create the role groups and give them exactly their permissions. Idempotent."""
    from django.contrib.auth.models import Group, Permission

    for name in (NATIONAL_ADMIN, SCHOOL_REGISTRAR, SUPPORT):
        group, _created = Group.objects.get_or_create(name=name)
        permissions: Iterable[Permission]
        if name == NATIONAL_ADMIN:
            permissions = Permission.objects.all()
        else:
            wanted = ROLE_PERMISSIONS[name]
            permissions = [
                permission
                for permission in Permission.objects.select_related("content_type").filter(
                    codename__in=[codename for _app, codename in wanted]
                )
                if (permission.content_type.app_label, permission.codename) in wanted
            ]
        group.permissions.set(permissions)


def snapshot(user_pk: int | None) -> dict[str, object]:
    """What an account may do, as stored now: compared after a save to log role changes."""
    from .models import User

    if user_pk is None:
        return {}
    user = User.objects.filter(pk=user_pk).first()
    if user is None:
        return {}
    return {
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "school": user.school_id,
        "groups": sorted(user.groups.values_list("name", flat=True)),
    }


def log_change(*, actor, target, before: dict[str, object], ip: str = "") -> None:
    """One structured line per change of roles: who, whom, what (old → new)."""
    after = snapshot(target.pk)
    changes = {
        name: {"old": before.get(name), "new": value}
        for name, value in after.items()
        if before.get(name) != value
    }
    if changes:
        log_event("role.changed", actor=actor.pk, target=target.pk, changes=changes, ip=ip)
