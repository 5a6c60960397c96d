"""Account operations that touch several rows or send messages (STYLE §1)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from records.models import Enrollment, Person, School
from xuexin.logging import log_event
from xuexin.network import request_network
from xuexin.notifications import notify

from . import notifications
from .models import IdentityCheckAttempt, IdentityClaim, LoginEvent, User


class IdNumberTaken(Exception):
    """证件号码已被注册: an active account already holds this document."""


class IdNumberUnderReview(Exception):
    """A claim on this document is pending: 客服审核通过后才能被再次注册."""


class TooManyTries(Exception):
    pass


@dataclass(frozen=True)
class CheckResult:
    passed: bool
    tries_left: int


def id_holder(id_type: str, id_number: str) -> User | None:
    return User.objects.filter(
        id_type=id_type, id_number=id_number, is_active=True, identity_disputed=False
    ).first()


def claim_pending_for(id_type: str, id_number: str) -> bool:
    return IdentityClaim.objects.filter(
        id_type=id_type,
        id_number=id_number,
        kind=IdentityClaim.Kind.DUPLICATE_ID,
        status=IdentityClaim.Status.PENDING,
    ).exists()


def matching_person(user: User) -> Person | None:
    """The Person with this account's document and real name; name + ID alone binds, not opens."""
    if not (user.id_type and user.id_number and user.real_name):
        return None
    return Person.objects.filter(
        id_type=user.id_type, id_number=user.id_number, name=user.real_name
    ).first()


def bind_matching_person(user: User) -> Person | None:
    if user.person_id or user.identity_disputed:
        return user.person
    person = matching_person(user)
    if person is not None:
        user.person = person
        user.save(update_fields=["person"])
    return person


@transaction.atomic
def register_account(
    *,
    phone: str,
    password: str,
    real_name: str,
    id_type: str,
    id_number: str,
    email: str | None,
    re_register: bool = False,
) -> User:
    """Create the account; with ``re_register`` a duplicate ID makes a disputed account."""
    if claim_pending_for(id_type, id_number):
        raise IdNumberUnderReview
    holder = id_holder(id_type, id_number)
    if holder is not None and not re_register:
        raise IdNumberTaken
    user = User(
        phone=phone,
        real_name=real_name,
        id_type=id_type,
        id_number=id_number,
        email=email,
        identity_disputed=holder is not None,
    )
    user.set_password(password)
    user.save()
    log_event("account.registered", user=user.pk, disputed=user.identity_disputed)
    if holder is not None:
        notify(
            holder,
            _(
                "【学信网仿真】有人使用您的证件号码注册了新的学信网账号（手机号 %(phone)s）。"
                "该账号须经客服审核后才能使用此证件号码；如非本人操作，请留意后续通知。"
            )
            % {"phone": user.masked_phone},
            _("学信网（仿真）：您的证件号码被用于注册新账号"),
        )
    else:
        bind_matching_person(user)
    return user


def _today_start() -> datetime.datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def id_digest(id_type: str, id_number: str) -> str:
    """A keyed digest of a document, so the attempts table never holds ID numbers."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{id_type}:{id_number}".encode(), hashlib.sha256).hexdigest()


def identity_tries_left(user: User) -> int:
    """Tries left today for the account's ID number, counted across every account with it."""
    if not user.id_number:
        return 0
    used = IdentityCheckAttempt.objects.filter(
        id_digest=id_digest(user.id_type, user.id_number),
        created_at__gte=_today_start(),
        succeeded=False,
    ).count()
    return max(0, settings.IDENTITY_CHECK_DAILY_TRIES - used)


def _comparable(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(folded.split()).replace("（", "(").replace("）", ")").lower()


def schools_of(person: Person) -> set[str]:
    return (
        set(School.objects.filter(enrollments__person=person).values_list("name", flat=True))
        | set(School.objects.filter(qualifications__person=person).values_list("name", flat=True))
        | set(School.objects.filter(degrees__person=person).values_list("name", flat=True))
    )


def facts_match(person: Person | None, *, school_name: str, student_number: str,
                entry_year: int) -> bool:  # fmt: skip
    """All three facts belong to one 学籍 of the person: a school, its 学号 and the entry year.

    The 学号 is what a CV does not carry; school and years alone are public knowledge.
    """
    if person is None:
        return False
    wanted_school, wanted_number = _comparable(school_name), _comparable(student_number)
    for enrollment in Enrollment.objects.filter(person=person).select_related("school"):
        if (
            _comparable(enrollment.school.name) == wanted_school
            and _comparable(enrollment.student_number) == wanted_number
            and enrollment.entry_date.year == entry_year
        ):
            return True
    return False


@transaction.atomic
def identity_check_by_facts(
    user: User, *, school_name: str, student_number: str, entry_year: int
) -> CheckResult:
    """身份核验: facts from one's own records. 3 tries a day per ID number, across accounts."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    left = identity_tries_left(locked)
    if left <= 0:
        raise TooManyTries
    passed = facts_match(
        locked.person, school_name=school_name, student_number=student_number,
        entry_year=entry_year,
    )  # fmt: skip
    IdentityCheckAttempt.objects.create(
        user=locked, id_digest=id_digest(locked.id_type, locked.id_number), succeeded=passed
    )
    log_event("identity.check", user=locked.pk, passed=passed)
    if not passed:
        return CheckResult(passed=False, tries_left=left - 1)
    locked.identity_verified_at = timezone.now()
    locked.identity_verified_method = User.VerificationMethod.RECORD_FACTS
    locked.save(update_fields=["identity_verified_at", "identity_verified_method"])
    user.identity_verified_at = locked.identity_verified_at
    _tell_other_holders(locked)
    return CheckResult(passed=True, tries_left=left)


def _tell_other_holders(user: User) -> None:
    """Every other account ever registered with this ID hears that a new one passed the check."""
    others = User.objects.filter(id_type=user.id_type, id_number=user.id_number).exclude(pk=user.pk)
    for other in others:
        notify(
            other,
            _(
                "【学信网仿真】使用您证件号码的学信网账号（手机号 %(phone)s）于 %(time)s "
                "通过了身份核验，可以查看该证件号码的学信档案。如非本人操作，请立即联系客服。"
            )
            % {"phone": user.masked_phone, "time": f"{timezone.localtime():%Y-%m-%d %H:%M}"},
            _("学信网（仿真）：身份核验提醒"),
        )


def claim_submit(*, claimant: User, claim: IdentityClaim, kind: str) -> IdentityClaim:
    claim.claimant = claimant
    claim.kind = kind
    claim.id_type = claimant.id_type
    claim.id_number = claimant.id_number
    if kind == IdentityClaim.Kind.DUPLICATE_ID:
        claim.competing_account = id_holder(claimant.id_type, claimant.id_number)
    claim.save()
    return claim


class ClaimAlreadyDecided(Exception):
    pass


@transaction.atomic
def claim_approve(*, claim: IdentityClaim, reviewer: User, note: str = "") -> IdentityClaim:
    """Approve once: the claimant gets the document and the records; a competitor is closed."""
    locked = IdentityClaim.objects.select_for_update().get(pk=claim.pk)
    if locked.status != IdentityClaim.Status.PENDING:
        raise ClaimAlreadyDecided
    claimant = User.objects.select_for_update().get(pk=locked.claimant_id)
    competitor = locked.competing_account
    moved_person = None
    if competitor is not None and competitor.is_active:
        competitor = User.objects.select_for_update().get(pk=competitor.pk)
        moved_person = competitor.person
        competitor.is_active = False
        competitor.person = None
        competitor.save(update_fields=["is_active", "person"])
    claimant.identity_disputed = False
    claimant.person = moved_person or claimant.person or matching_person(claimant)
    claimant.identity_verified_at = timezone.now()
    claimant.identity_verified_method = User.VerificationMethod.STAFF
    claimant.save(
        update_fields=[
            "identity_disputed",
            "person",
            "identity_verified_at",
            "identity_verified_method",
        ]
    )
    log_event("claim.approved", claim=locked.pk, reviewer=reviewer.pk)
    locked.status = IdentityClaim.Status.APPROVED
    locked.reviewer = reviewer
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["status", "reviewer", "decided_at", "decision_note"])
    subject = _("学信网（仿真）：身份核验申诉结果")
    notify(
        claimant,
        _("【学信网仿真】您的身份核验申诉已通过审核，现在可以登录学信档案查看本人信息。"),
        subject,
    )
    if competitor is not None:
        notify(
            competitor,
            _(
                "【学信网仿真】经客服审核，您账号所用的证件号码已确认属于另一账号，"
                "您的账号已停用。如有疑问请联系客服。"
            ),
            subject,
        )
    return locked


@transaction.atomic
def claim_reject(*, claim: IdentityClaim, reviewer: User, note: str) -> IdentityClaim:
    locked = IdentityClaim.objects.select_for_update().get(pk=claim.pk)
    if locked.status != IdentityClaim.Status.PENDING:
        raise ClaimAlreadyDecided
    log_event("claim.rejected", claim=locked.pk, reviewer=reviewer.pk)
    locked.status = IdentityClaim.Status.REJECTED
    locked.reviewer = reviewer
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["status", "reviewer", "decided_at", "decision_note"])
    notify(
        locked.claimant,
        _("【学信网仿真】您的身份核验申诉未通过审核，原因：%(reason)s。您可以补充材料后重新提交。")
        % {"reason": note},
        _("学信网（仿真）：身份核验申诉结果"),
    )
    return locked


def record_login(user: User, request: HttpRequest) -> None:
    LoginEvent.objects.create(
        user=user,
        ip_prefix=request_network(request),
        user_agent=(request.META.get("HTTP_USER_AGENT") or "")[:150],
    )


EMAIL_TOKEN_SALT = "accounts.email-activation"  # noqa: S105 - a namespace, not a secret
EMAIL_TOKEN_MAX_AGE = 24 * 60 * 60


def email_activation_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=EMAIL_TOKEN_SALT, compress=True)


def send_email_activation(request: HttpRequest, user: User) -> None:
    """邮箱激活: a link valid for 24 hours that works once, for this address only."""
    link = request.build_absolute_uri(
        reverse("accounts:email-verify", args=[email_activation_token(user)])
    )
    body = _(
        "您好，\n\n请在 24 小时内打开以下链接，激活您在学信网（仿真）绑定的邮箱：\n%(link)s\n\n"
        "如果不是您本人操作，请忽略本邮件。\n\n学信网（仿真系统）"
    ) % {"link": link}
    if not user.email:
        raise ValueError("the account has no email address to activate")
    send_mail(_("学信网（仿真）：请激活您的邮箱"), body, None, [user.email])


class BadEmailToken(Exception):
    pass


def email_activate(*, user: User, token: str) -> None:
    try:
        data = signing.loads(token, salt=EMAIL_TOKEN_SALT, max_age=EMAIL_TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise BadEmailToken from None
    # Single use: once the address is verified, or replaced, the link stops working.
    if data.get("u") != user.pk or data.get("e") != user.email or user.email_verified_at:
        raise BadEmailToken
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    log_event("account.email_activated", user=user.pk)


# --- Changes to the account's secrets and channels (DESIGN §4.3) ---------------------------
# Each needs the current password (checked by the form), is logged, and is told to the
# channels the account had before the change.

CHANGE_SUBJECT = _("学信网（仿真）：账号安全提醒")


def _when() -> str:
    return f"{timezone.localtime():%Y-%m-%d %H:%M}"


@transaction.atomic
def password_set(
    *, user: User, password: str, event: str, request: HttpRequest, channel: str = ""
) -> None:
    """A new password (change or reset); every other session ends with the old hash."""
    user.set_password(password)
    user.save(update_fields=["password"])
    log_event(event, user=user.pk, channel=channel, ip=request_network(request))
    notify(
        user,
        _(
            "【学信网仿真】您的学信网账号密码已于 %(time)s 修改。"
            "如非本人操作，请立即找回密码并联系客服。"
        )
        % {"time": _when()},
        CHANGE_SUBJECT,
    )


@transaction.atomic
def phone_change(*, user: User, new_phone: str, request: HttpRequest) -> None:
    old_phone = user.phone
    old_email = user.email if user.email and user.email_verified_at else None
    user.phone = new_phone
    user.save(update_fields=["phone"])
    log_event("account.phone_changed", user=user.pk, ip=request_network(request))
    notifications.queue_to(
        phone=old_phone,
        email=old_email,
        text=str(
            _(
                "【学信网仿真】您的学信网账号已于 %(time)s 更换绑定手机号为 %(phone)s。"
                "如非本人操作，请立即联系客服。"
            )  # fmt: skip
            % {"time": _when(), "phone": user.masked_phone}
        ),
        subject=str(CHANGE_SUBJECT),
    )


@transaction.atomic
def email_change(*, user: User, new_email: str, request: HttpRequest) -> None:
    """Bind a new address (activated later by its link); the phone and the old address are told."""
    old_email = user.email if user.email and user.email_verified_at else None
    user.email = new_email
    user.email_verified_at = None
    user.save(update_fields=["email", "email_verified_at"])
    log_event("account.email_changed", user=user.pk, ip=request_network(request))
    local, _sep, domain = new_email.partition("@")
    notifications.queue_to(
        phone=user.phone,
        email=old_email if old_email != new_email else None,
        text=str(
            _(
                "【学信网仿真】您的学信网账号已于 %(time)s 绑定新邮箱 %(email)s（待激活）。"
                "如非本人操作，请立即修改密码并联系客服。"
            )  # fmt: skip
            % {"time": _when(), "email": f"{local[:1]}***@{domain}"}
        ),
        subject=str(CHANGE_SUBJECT),
    )
    # The link names this address; had the change not committed, the link would be dead.
    send_email_activation(request, user)
