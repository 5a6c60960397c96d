"""What kind of staff member a user is, and whether this session passed the TOTP step.

Plain predicates on the user object, shared by the records rules, the access log's admin, the
survey tools and the private-file views. The groups behind the roles are kept in step by
accounts.roles; a registrar is staff with a 所属院校.
"""

from __future__ import annotations

from typing import Any

# Typed loosely: callers pass request.user (an account or AnonymousUser) or a User row.
AnyUser = Any


def staff_sees_everyone(user: AnyUser) -> bool:
    """A superuser, or staff without a school who holds the 国家管理员 records permissions."""
    if not (user.is_active and user.is_staff):
        return False
    return bool(user.is_superuser or (not user.school_id and user.has_perm("records.view_person")))


def is_registrar(user: AnyUser) -> bool:
    """学校学籍管理员: staff bound to one school, who sees only that school's people and records."""
    return bool(user.is_active and user.is_staff and not user.is_superuser and user.school_id)


def otp_verified(user: AnyUser) -> bool:
    """True when this session passed the TOTP step (set by django_otp's OTPMiddleware)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def staff_needs_second_factor(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_staff and not otp_verified(user))
