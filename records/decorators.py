"""Access gate for the 学信档案 pages: the archive, and the surveys under it."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


def identity_verified_required(view):
    """Logged in, not staff, and past the one-time identity check (DESIGN journey 3).

    Name + ID number alone never open anyone's records: until the check passes, the student
    is sent to it; a disputed account is sent to its claim.
    """

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        user = request.user
        if user.is_staff:
            return redirect("admin:index")
        if user.identity_disputed:
            return redirect("accounts:claim")
        if user.identity_verified_at is None:
            return redirect("accounts:identity-check")
        return view(request, *args, **kwargs)

    return wrapper
