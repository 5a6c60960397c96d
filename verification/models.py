"""在线验证报告 and their 查验记录 (DESIGN §3.1, §4.4)."""

from __future__ import annotations

import datetime
import uuid
from typing import Self

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from records.display import list_text
from records.models import DegreeAward, Enrollment, Qualification

from . import codes


class ReportKind(models.TextChoices):
    XUEJI = "xueji", _("学籍")
    XUELI = "xueli", _("学历")
    XUEWEI = "xuewei", _("学位")


class ReportQuerySet(models.QuerySet):
    def live(self, today: datetime.date | None = None) -> ReportQuerySet:
        today = today or timezone.localdate()
        return self.filter(closed_at__isnull=True, valid_until__gte=today)

    def by_code(self, code: str) -> ReportQuerySet:
        """The report a (normalised) code opens: looked up by its keyed digest."""
        return self.filter(code_digest=codes.digest(code))


_ReportManagerBase = models.Manager.from_queryset(ReportQuerySet)


class ReportManager(_ReportManagerBase["VerificationReport"]):
    def find(self, code: str) -> VerificationReport | None:
        """The report a normalised code opens, or None, with the code remembered.

        This is the public lookup behind every report page, API call and PDF: one fixed
        statement instead of a queryset, which the ORM would compile afresh on each call
        (about half the time of the lookup).
        """
        table = connection.ops.quote_name(self.model._meta.db_table)
        found = self.raw(f"SELECT * FROM {table} WHERE code_digest = %s", [codes.digest(code)])  # noqa: S608
        report = next(iter(found), None)
        return report.known_as(code) if report is not None else None


class SealedCode:
    """A bearer code kept as ``code_digest`` (lookups) and ``code_sealed`` (the owner's copy),
    with the signed data stored without it (``payload``, ``signature``)."""

    code_digest: str
    code_sealed: str
    payload: dict[str, object]
    _clear_code: str | None = None

    @property
    def code(self) -> str:
        """The code in clear: known from the lookup that found the row, else unsealed."""
        if self._clear_code is None and self.code_sealed:
            self._clear_code = codes.unseal(self.code_sealed)
        return self._clear_code or ""

    @code.setter
    def code(self, value: str) -> None:
        self._clear_code = value
        self.code_digest = codes.digest(value)
        self.code_sealed = codes.seal(value)

    def known_as(self, code: str) -> Self:
        """Remember the code this row was just found by, saving a decryption."""
        self._clear_code = code
        return self

    @property
    def signed_payload(self) -> dict[str, object]:
        """The data the signature covers: the stored payload with the code back in it."""
        return {**self.payload, "code": self.code}

    @property
    def grouped_code(self) -> str:
        return codes.group(self.code)


class VerificationReport(SealedCode, models.Model):
    """A report a student issues so that a third party can check one record by its code."""

    # The code is a bearer credential: stored only as a keyed digest (for lookups) and sealed
    # (AES-GCM, for the owner's pages); see verification.codes. ``code`` reads it back.
    code_digest = models.CharField(_("验证码摘要"), max_length=64, unique=True, editable=False)
    code_sealed = models.TextField(_("验证码（加密）"), editable=False)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="reports", verbose_name=_("申请人")
    )
    kind = models.CharField(_("报告类型"), max_length=6, choices=ReportKind.choices)
    enrollment = models.ForeignKey(
        Enrollment, models.CASCADE, null=True, blank=True, related_name="reports"
    )
    qualification = models.ForeignKey(
        Qualification, models.CASCADE, null=True, blank=True, related_name="reports"
    )
    degree = models.ForeignKey(
        DegreeAward, models.CASCADE, null=True, blank=True, related_name="reports"
    )
    show_photo = models.BooleanField(_("显示照片"), default=True)
    # Subject fields the student chose not to show (services.HIDEABLE_FIELDS): they are left
    # out of the signed payload altogether, which lists them under "hidden" instead.
    hidden_fields = models.JSONField(_("不显示的项目"), default=list, blank=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新日期"), default=timezone.now)
    valid_until = models.DateField(_("有效期至"))
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    close_reason = models.CharField(_("关闭原因"), max_length=200, blank=True)
    # The signed content without the code (the code is signed too, and added back on the way
    # out: ``signed_payload``): exactly what the public page, the PDF and the API show.
    payload = models.JSONField(_("报告内容"))
    signature = models.TextField(_("签名"))
    # What the student agreed to show, under which version of the consent text.
    consent_version = models.CharField(_("授权说明版本"), max_length=20, blank=True)
    consent_scope = models.JSONField(_("授权范围"), default=dict, blank=True)
    consented_at = models.DateTimeField(_("授权时间"), null=True, blank=True)
    # The expiry date the owner was last reminded of (verification.reminders): one reminder
    # per expiry, and extending sets a new one.
    reminded_for = models.DateField(_("已提醒的到期日"), null=True, blank=True)
    # The report's position in the revocation status lists of its verifiable credentials
    # (verification.statuslist): drawn at random when issued, never changed or reused.
    status_index = models.PositiveIntegerField(_("状态列表位置"), unique=True, editable=False)

    objects = ReportManager()

    class Meta:
        verbose_name = _("在线验证报告")
        verbose_name_plural = _("在线验证报告")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ReportKind.values), name="report_kind_known"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="xueji",
                        enrollment__isnull=False,
                        qualification__isnull=True,
                        degree__isnull=True,
                    )
                    | Q(
                        kind="xueli",
                        enrollment__isnull=True,
                        qualification__isnull=False,
                        degree__isnull=True,
                    )
                    | Q(
                        kind="xuewei",
                        enrollment__isnull=True,
                        qualification__isnull=True,
                        degree__isnull=False,
                    )
                ),  # fmt: skip
                name="report_subject_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        # Never the code: a report's name turns up in logs and admin pages.
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"

    @property
    def subject(self) -> Enrollment | Qualification | DegreeAward:
        return self.enrollment or self.qualification or self.degree  # type: ignore[return-value]  # exactly one is set (a check constraint)

    def is_live(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.closed_at is None and self.valid_until >= today

    @property
    def state(self) -> str:
        if self.closed_at is not None:
            return "closed"
        return "live" if self.is_live() else "expired"


class RecipientQuerySet(models.QuerySet):
    def live(self, today: datetime.date | None = None) -> RecipientQuerySet:
        """Open codes of open reports, within both validities."""
        today = today or timezone.localdate()
        return self.filter(
            closed_at__isnull=True,
            valid_until__gte=today,
            report__closed_at__isnull=True,
            report__valid_until__gte=today,
        )

    def by_code(self, code: str) -> RecipientQuerySet:
        return self.filter(code_digest=codes.digest(code))


class RecipientCode(SealedCode, models.Model):
    """出具对象验证码: a code of its own, for one recipient of a report.

    It shows the report's data with the recipient's label (出具对象) and its own validity, no
    later than the report's; it can be closed alone and keeps its own 查验记录. Stored like a
    report's code (keyed digest + sealed copy), with its own signed payload.
    """

    report = models.ForeignKey(
        VerificationReport, models.CASCADE, related_name="recipients", verbose_name=_("报告")
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code_digest = models.CharField(_("验证码摘要"), max_length=64, unique=True, editable=False)
    code_sealed = models.TextField(_("验证码（加密）"), editable=False)
    label = models.CharField(_("出具对象"), max_length=50)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    # When the validity was last set (issued or extended).
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    valid_until = models.DateField(_("有效期至"))
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    payload = models.JSONField(_("报告内容"))
    signature = models.TextField(_("签名"))
    reminded_for = models.DateField(_("已提醒的到期日"), null=True, blank=True)
    # Its own position, in the recipient codes' status lists: closing the code revokes its
    # credential while the report's stays valid.
    status_index = models.PositiveIntegerField(_("状态列表位置"), unique=True, editable=False)

    objects = RecipientQuerySet.as_manager()

    class Meta:
        verbose_name = _("出具对象验证码")
        verbose_name_plural = _("出具对象验证码")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def state(self) -> str:
        if self.closed_at is not None or self.report.closed_at is not None:
            return "closed"
        today = timezone.localdate()
        live = self.valid_until >= today and self.report.valid_until >= today
        return "live" if live else "expired"


class EventManager(models.Manager["VerificationEvent"]):
    def record(
        self, *, report_id: int, recipient_id: int | None, channel: str, outcome: str,
        ip_prefix: str,
    ) -> None:  # fmt: skip
        """Write one 查验记录 at once, in its own statement: it is stored before the verifier
        sees the answer, whatever happens to any cache. One fixed INSERT, as in ``find``: it
        runs on every lookup, and ``save()`` costs twice as much for the same row."""
        table = connection.ops.quote_name(self.model._meta.db_table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (report_id, recipient_id, created_at, channel, outcome, "  # noqa: S608
                "ip_prefix) VALUES (%s, %s, %s, %s, %s, %s)",
                [report_id, recipient_id, now, channel, outcome, ip_prefix],
            )


class VerificationEvent(models.Model):
    """查验记录: one look at a report, by channel, with a truncated address."""

    class Channel(models.TextChoices):
        WEB = "web", _("网页")
        QR = "qr", _("二维码")
        API = "api", _("接口")

    class Outcome(models.TextChoices):
        SHOWN = "shown", _("查验成功")
        EXPIRED = "expired", _("报告已过期")
        CLOSED = "closed", _("报告已关闭")

    report = models.ForeignKey(
        VerificationReport, models.CASCADE, related_name="events", verbose_name=_("报告")
    )
    # Set when the look was by one of the report's recipient codes, not its own code.
    recipient = models.ForeignKey(
        RecipientCode,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("出具对象验证码"),
    )
    created_at = models.DateTimeField(_("查验时间"), default=timezone.now)
    channel = models.CharField(_("渠道"), max_length=3, choices=Channel.choices)
    outcome = models.CharField(_("结果"), max_length=8, choices=Outcome.choices)
    ip_prefix = models.CharField(_("来源网络"), max_length=45, blank=True)

    objects = EventManager()

    class Meta:
        verbose_name = _("查验记录")
        verbose_name_plural = _("查验记录")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["report", "-created_at"], name="report_event_idx")]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M} {self.get_channel_display()}"


class VerifierRequestQuerySet(models.QuerySet):
    def for_person(self, person) -> VerifierRequestQuerySet:
        """Requests whose candidate is this person: the same name and the same last four
        characters of the ID number (several people may share both; each sees them)."""
        if person is None or not person.id_number:
            return self.none()
        return self.filter(candidate_name=person.name, id_last4=person.id_number[-4:].upper())

    def open(self, now: datetime.datetime | None = None) -> VerifierRequestQuerySet:
        return self.filter(expires_at__gt=now or timezone.now())


class VerifierRequest(models.Model):
    """查验申请: an employer asks, through the public form, for a candidate's record.

    Every submission is stored, whether or not a student matches it: the form answers alike
    either way. Candidates are found by name + the last four characters of the ID number
    (``for_person``), each answers on their own (``VerifierRequestAnswer``), and the employer
    hears only of an approval, by email, with a recipient code.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.CharField(_("单位名称"), max_length=50)
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_email = models.EmailField(_("联系邮箱"))
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    candidate_name = models.CharField(_("学生姓名"), max_length=50)
    id_last4 = models.CharField(_("证件号码后四位"), max_length=4)
    # ReportKind values, in their order: what the employer asks to see.
    kinds = models.JSONField(_("申请查验"), default=list)
    purpose = models.CharField(_("查验用途"), max_length=100)
    # The employer's language when they asked: the approval email is written in it.
    language = models.CharField(_("语言"), max_length=10, default="zh-hans")
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("有效期至"))
    ip_prefix = models.CharField(_("来源网络"), max_length=45, blank=True)
    # When the matching students were told (manage.py send_verifier_request_notices).
    notified_at = models.DateTimeField(_("通知学生时间"), null=True, blank=True)

    objects = VerifierRequestQuerySet.as_manager()

    # Set on the candidate's pages (request_views._own_requests / _with_state): this account's
    # answers, the one answer, and pending, approved, declined or expired.
    own_answers: list[VerifierRequestAnswer]
    answer: VerifierRequestAnswer | None
    state: str

    class Meta:
        verbose_name = _("查验申请")
        verbose_name_plural = _("查验申请")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["candidate_name", "id_last4"], name="verifier_request_cand_idx"),
            models.Index(fields=["notified_at", "expires_at"], name="verifier_request_note_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {timezone.localtime(self.created_at):%Y-%m-%d}"

    def get_kinds_display(self) -> str:
        labels = dict(ReportKind.choices)
        return list_text(labels[kind] for kind in self.kinds if kind in labels)

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())


class VerifierRequestAnswer(models.Model):
    """One candidate's answer to a 查验申请: approved (with the code made for it) or declined."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("已同意")
        DECLINED = "declined", _("已拒绝")

    request = models.ForeignKey(
        VerifierRequest, models.CASCADE, related_name="answers", verbose_name=_("查验申请")
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="verifier_answers",
        verbose_name=_("学生账号"),
    )
    decision = models.CharField(_("处理结果"), max_length=8, choices=Decision.choices)
    decided_at = models.DateTimeField(_("处理时间"), default=timezone.now)
    recipient = models.ForeignKey(
        RecipientCode,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="verifier_answers",
        verbose_name=_("出具对象验证码"),
    )
    # When the code went to the employer's email; empty if sending failed (the student may
    # send it again) or for a decline (nothing is sent).
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("查验申请处理")
        verbose_name_plural = _("查验申请处理")
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "candidate"], name="verifier_answer_once_per_candidate"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["approved", "declined"]),
                name="verifier_answer_decision_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {timezone.localtime(self.decided_at):%Y-%m-%d}"
