"""Types for code that runs only behind login.

``request.user`` on a plain HttpRequest is the account model or AnonymousUser. Views behind
``login_required`` (and the admin, which lets in active staff only) take an AuthedRequest, whose
user is always the account model. The account model lives in accounts, above the kernel; the
django-stubs plugin resolves ``django.contrib.auth.models._User`` to settings.AUTH_USER_MODEL, so
the kernel names the type without importing that app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import _User as User


class AuthedRequest(HttpRequest):
    user: User


def signed_in_user(request: HttpRequest) -> User:
    """request.user where login is already required (admin views, login_required views)."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user
