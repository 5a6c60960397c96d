"""Accounts of the portal: students who log in to 学信档案, and staff who use the admin."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from records.identity import IdType, mask_id_number, normalize_id_number, validate_person_name
from records.models import Person, School
from records.photos import PrivateImageField

from .validators import validate_mobile


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, phone: str, password: str | None, **extra: Any) -> User:
        if not phone:
            raise ValueError("an account needs a phone number")
        email = extra.pop("email", None)
        user = self.model(phone=phone, email=self.normalize_email(email) or None, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, phone: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(phone, password, **extra)

    def create_superuser(self, phone: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(phone, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """One account. Students bind to a Person; registrar staff carry a school."""

    class VerificationMethod(models.TextChoices):
        SCHOOL_NAME = "school_name", _("填写就读院校")
        RECORD_FACTS = "record_facts", _("填写学籍信息")
        ID_PHOTOS = "id_photos", _("上传证件照片")
        STAFF = "staff", _("客服核验")

    phone = models.CharField(
        _("手机号"),
        max_length=11,
        unique=True,
        validators=[validate_mobile],
        error_messages={"unique": _("该手机号已被其他账号绑定")},
    )
    email = models.EmailField(
        _("电子邮箱"),
        null=True,
        blank=True,
        unique=True,
        error_messages={"unique": _("该邮箱已被其他账号绑定")},
    )
    real_name = models.CharField(
        _("姓名"), max_length=50, blank=True, validators=[validate_person_name]
    )
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdType.choices, blank=True)
    id_number = models.CharField(_("证件号码"), max_length=20, blank=True)
    person = models.ForeignKey(
        Person,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("绑定的学生"),
    )
    email_verified_at = models.DateTimeField(_("邮箱激活时间"), null=True, blank=True)
    identity_disputed = models.BooleanField(
        _("证件号码待申诉"),
        default=False,
        help_text=_("“我要重新注册”创建的账号：证件号码已被另一账号使用，须经客服审核申诉"),
    )
    identity_verified_at = models.DateTimeField(_("身份核验时间"), null=True, blank=True)
    # manage.py send_report_reminders: SMS/email 7 days before a report or recipient code ends.
    report_reminders = models.BooleanField(_("在线验证报告到期提醒"), default=True)
    identity_verified_method = models.CharField(
        _("身份核验方式"), max_length=20, choices=VerificationMethod.choices, blank=True
    )
    school = models.ForeignKey(
        School,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("所属院校（学籍管理员）"),
        help_text=_("仅用于学校学籍管理员：只能查看和修改本校学生的信息"),
    )
    is_staff = models.BooleanField(_("工作人员"), default=False)
    is_active = models.BooleanField(_("有效"), default=True)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["real_name"]

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        indexes = [models.Index(fields=["id_type", "id_number"], name="user_id_document_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(id_type="") | Q(id_type__in=IdType.values),
                name="user_id_type_known",
            ),
            models.CheckConstraint(
                condition=Q(phone__regex=r"^1[0-9]{10}$"), name="user_phone_cn_mobile"
            ),
            # One ID, one account (DESIGN §4.2): a second account with the same document can
            # exist only as a disputed one, or deactivated after a claim.
            models.UniqueConstraint(
                fields=["id_type", "id_number"],
                condition=Q(is_active=True, identity_disputed=False) & ~Q(id_number=""),
                name="user_one_active_account_per_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.real_name or _('账号')}（{self.masked_phone}）"

    @property
    def masked_phone(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]}" if len(self.phone) == 11 else "****"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number) if self.id_number else ""

    @property
    def identity_checked(self) -> bool:
        return self.identity_verified_at is not None

    @property
    def is_registrar(self) -> bool:
        return self.is_staff and not self.is_superuser and self.school_id is not None

    def clean(self) -> None:
        super().clean()
        if self.email == "":
            self.email = None
        if self.id_type and self.id_number:
            self.id_number = normalize_id_number(self.id_type, self.id_number)


class OneTimeCode(models.Model):
    """A 6-digit code sent by SMS (DESIGN §4.3). Only a keyed hash of the code is stored."""

    class Purpose(models.TextChoices):
        REGISTER = "register", _("注册")
        RESET_PASSWORD = "reset_password", _("找回密码")
        CHANGE_PHONE = "change_phone", _("更换手机号")

    purpose = models.CharField(_("用途"), max_length=20, choices=Purpose.choices)
    destination = models.CharField(_("接收号码"), max_length=254)
    code_hash = models.CharField(max_length=64)
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"))
    attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    requested_ip = models.GenericIPAddressField(_("请求IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [
            models.Index(fields=["purpose", "destination", "created_at"], name="otp_lookup_idx"),
            models.Index(fields=["destination", "created_at"], name="otp_destination_idx"),
            models.Index(fields=["requested_ip", "created_at"], name="otp_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class OutboxMessage(models.Model):
    """What the simulated gateways delivered: the demo's stand-in for a phone and a mailbox."""

    class Channel(models.TextChoices):
        SMS = "sms", _("短信")
        EMAIL = "email", _("邮件")

    channel = models.CharField(_("渠道"), max_length=5, choices=Channel.choices)
    recipient = models.CharField(_("接收方"), max_length=500)
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("仿真发件箱")
        verbose_name_plural = _("仿真发件箱")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class IdentityClaim(models.Model):
    """A request that staff confirm who an account belongs to (DESIGN §4.2, journey 3)."""

    class Kind(models.TextChoices):
        DUPLICATE_ID = "duplicate_id", _("证件号码重复申诉")
        IDENTITY_CHECK = "identity_check", _("身份核验（上传证件照片）")

    class Method(models.TextChoices):
        ID_PHOTOS = "id_photos", _("手持证件照片")
        RECORD_FACTS = "record_facts", _("本人学籍信息")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未通过")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    claimant = models.ForeignKey(
        User, models.CASCADE, related_name="claims", verbose_name=_("申请账号")
    )
    competing_account = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="contested_claims",
        verbose_name=_("已使用该证件号码的账号"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    method = models.CharField(_("证明方式"), max_length=20, choices=Method.choices)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdType.choices)
    id_number = models.CharField(_("证件号码"), max_length=20)
    id_front = PrivateImageField(_("手持证件照（正面）"), folder="claims", blank=True)
    id_back = PrivateImageField(_("手持证件照（反面）"), folder="claims", blank=True)
    fact_school_name = models.CharField(_("就读院校"), max_length=100, blank=True)
    fact_student_number = models.CharField(_("学号"), max_length=30, blank=True)
    fact_entry_year = models.PositiveSmallIntegerField(_("入学年份"), null=True, blank=True)
    note = models.TextField(_("补充说明"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    reviewer = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_claims",
        verbose_name=_("审核人"),
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("身份核验申诉")
        verbose_name_plural = _("身份核验申诉")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["id_type", "id_number", "status"], name="claim_id_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["claimant", "kind"],
                condition=Q(status="pending"),
                name="claim_one_pending_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected"]),
                name="claim_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_status_display()}"


class IdentityCheckAttempt(models.Model):
    """One try at the identity check; a few a day per ID number, whichever account tries."""

    user = models.ForeignKey(User, models.CASCADE, related_name="identity_attempts")
    # A keyed digest of (证件类型, 证件号码): counts tries per document without storing it.
    id_digest = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    succeeded = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["user", "created_at"], name="identity_attempt_idx"),
            models.Index(fields=["id_digest", "created_at"], name="identity_attempt_id_idx"),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.created_at)
        return f"{when:%Y-%m-%d %H:%M} {'✓' if self.succeeded else '✗'}"


class LoginEvent(models.Model):
    """A successful login, shown to the account holder as 最近登录记录."""

    user = models.ForeignKey(User, models.CASCADE, related_name="login_events")
    created_at = models.DateTimeField(_("登录时间"), default=timezone.now)
    ip_prefix = models.CharField(_("登录IP（部分）"), max_length=45, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="login_event_idx")]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M} {self.ip_prefix}"


class Notification(models.Model):
    """A message to an account holder, stored in the transaction of the decision it reports.

    Sent after the commit and, if the gateway fails, again later by ``manage.py
    send_notifications`` (cron): a gateway failure delays a notification, never loses it.
    Never holds a secret (codes and links go out directly, not through this queue).
    """

    class Channel(models.TextChoices):
        SMS = "sms", _("短信")
        EMAIL = "email", _("邮件")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败（已停止重试）")

    channel = models.CharField(_("渠道"), max_length=5, choices=Channel.choices)
    recipient = models.CharField(_("接收方"), max_length=254)
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    last_error = models.CharField(_("最近一次错误"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "failed"]),
                name="notification_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"
