"""Log in by phone number, verified email or ID number, with the same answer for every failure."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from records.identity import IdType, normalize_id_number

from .models import User
from .validators import normalize_mobile


def find_login_user(username: str) -> User | None:
    """The account a typed username stands for, or None. One indexed lookup."""
    typed = (username or "").strip()
    if not typed:
        return None
    if "@" in typed:
        condition = Q(email__iexact=typed, email_verified_at__isnull=False)
    else:
        phone = normalize_mobile(typed)
        id_number = normalize_id_number(IdType.RESIDENT_ID, typed)
        # An ID number logs in only the account that holds it, never a disputed copy.
        condition = Q(phone=phone) | Q(
            id_number__in={id_number, typed.upper()}, identity_disputed=False, is_active=True
        )
    return User.objects.filter(condition).order_by("-is_active", "id").first()


class PhoneEmailOrIdBackend(ModelBackend):
    def get_user(self, user_id):
        # Every archive page reads the bound person: load it with the user, in one query, on
        # every request, so a change to the account shows on the next request everywhere.
        user = User.objects.select_related("person").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_login_user(username)
        if user is None:
            # Hash anyway, so "no such account" takes as long as "wrong password".
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request, credentials) -> str:
    """The name axes counts failures under: the account, whichever identifier was typed.

    Phone, verified email and ID number of one account share one failure budget (per address),
    so three identifiers do not buy three times the guesses. A name that is no account is
    counted under its normalised spelling, so 'x' and 'X' are one.
    """
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    typed = str(raw).strip()
    account = find_login_user(typed)
    if account is not None:
        return f"account:{account.pk}"
    if "@" in typed:
        return typed.lower()
    phone = normalize_mobile(typed)
    if len(phone) == 11 and phone.isdigit():
        return phone
    return normalize_id_number(IdType.RESIDENT_ID, typed)
