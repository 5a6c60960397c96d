"""访问日志: who read which personal data, when and from where (append-only).

Changes to records are kept by django-simple-history; this log covers what history cannot see:
reads. A staff member opening a student's page, downloading a photo or an evidence file, or
exporting a roster leaves one row here. Rows are written once and never changed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    VIEW_PERSON = "view_person", _("查看学生信息")
    DOWNLOAD_PHOTO = "download_photo", _("查看照片")
    DOWNLOAD_EVIDENCE = "download_evidence", _("查看证明材料")
    EXPORT = "export", _("导出数据")
    EXPORT_FULL_ID = "export_full_id", _("导出数据（含完整证件号码）")
    IMPORT = "import", _("导入名册")
    VIEW_SURVEY_ANSWERS = "view_survey_answers", _("查看调查答卷")
    VIEW_HISTORY = "view_history", _("查看修改历史")
    VIEW_RECORD = "view_record", _("查看学籍/学历/学位等记录")
    VIEW_ACCOUNT = "view_account", _("查看账号")
    VIEW_CLAIM = "view_claim", _("查看身份核验申诉")
    VIEW_REQUEST = "view_request", _("查看更正申请/图像校对")
    VIEW_LIST = "view_list", _("查看列表")


class AppendOnly(Exception):
    """An access log row was about to be changed or deleted."""


class AccessLogQuerySet(models.QuerySet):
    """Bulk writes would bypass ``save()``/``delete()``; they are refused the same way.

    On PostgreSQL a trigger (migration 0002) refuses them in the database as well, whatever
    the client.
    """

    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("access log rows are never changed")

    def delete(self):
        raise AppendOnly("access log rows are never deleted")

    update.queryset_only = True  # type: ignore[attr-defined]  # Django keeps it off the manager, as for QuerySet.delete
    delete.queryset_only = True  # type: ignore[attr-defined]  # Django keeps it off the manager, as for QuerySet.delete


class AccessLog(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    # Kept as text too: the row must still say who it was after the account is gone.
    actor_label = models.CharField(_("操作人（记录时）"), max_length=100)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    action = models.CharField(_("操作"), max_length=20, choices=AccessAction.choices)
    target = models.CharField(_("对象"), max_length=200, help_text=_("证件号码只记录脱敏后的形式"))
    path = models.CharField(_("地址"), max_length=300)
    ip_prefix = models.CharField(_("来源IP（部分）"), max_length=45, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("访问日志")
        verbose_name_plural = _("访问日志")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["actor", "-created_at"], name="accesslog_actor_idx")]

    def __str__(self) -> str:
        # The site's time zone, as the list shows it (stored times are UTC).
        when = timezone.localtime(self.created_at)
        return f"{when:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnly("access log rows are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        raise AppendOnly("access log rows are never deleted")
