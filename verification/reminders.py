"""Expiry reminders: an SMS (and email) ``DAYS_BEFORE`` days before a report or a recipient
code ends, with a link to the report's page where it can be extended (login required).

One reminder per expiry date: the date reminded of is written on the row in the same
transaction that queues the message (``xuexin.notifications.notify``), by a conditional update,
so a second run, or two runs at once, never send it again; extending gives a new date and
so, in time, a new reminder. Not reminded: accounts that turned reminders off on /account/,
inactive accounts, and codes whose validity was set inside the window (a code made to last
three days needs no warning that it will).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xuexin.logging import log_event
from xuexin.notifications import notify

from .models import RecipientCode, VerificationReport

DAYS_BEFORE = 7


@dataclass
class Due:
    """One report or recipient code whose owner is to be reminded of ``valid_until``."""

    row: VerificationReport | RecipientCode
    report: VerificationReport

    @property
    def valid_until(self) -> datetime.date:
        return self.row.valid_until


@dataclass
class ReminderRun:
    sent: int = 0  # messages (one per account)
    items: int = 0  # reports and codes reminded of
    accounts: set[int] = field(default_factory=set)


def _window(today: datetime.date) -> Q:
    return Q(valid_until__gte=today, valid_until__lte=today + datetime.timedelta(DAYS_BEFORE))


def _set_before_window(row: VerificationReport | RecipientCode) -> bool:
    window_opens = row.valid_until - datetime.timedelta(DAYS_BEFORE)
    return timezone.localtime(row.updated_at).date() < window_opens


def due(today: datetime.date | None = None) -> list[Due]:
    """Everything to remind of today, reports first, each account's together."""
    today = today or timezone.localdate()
    wanted_owner = Q(owner__report_reminders=True, owner__is_active=True)
    reports = (
        VerificationReport.objects.live(today)
        .filter(_window(today), wanted_owner)
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("valid_until")))
        .select_related("owner", "enrollment__school", "qualification__school", "degree__school")
    )
    recipients = (
        RecipientCode.objects.live(today)
        .filter(
            _window(today),
            report__owner__report_reminders=True,
            report__owner__is_active=True,
        )
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("valid_until")))
        .select_related(
            "report__owner",
            "report__enrollment__school",
            "report__qualification__school",
            "report__degree__school",
        )
    )
    found = [Due(report, report) for report in reports if _set_before_window(report)]
    found += [Due(code, code.report) for code in recipients if _set_before_window(code)]
    return found


def _claim(item: Due) -> bool:
    """Mark the row reminded of its current expiry; False if another run did already."""
    model = type(item.row)
    claimed = (
        model.objects.filter(pk=item.row.pk, valid_until=item.valid_until)
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=item.valid_until))
        .update(reminded_for=item.valid_until)
    )
    return claimed == 1


def extend_url(report: VerificationReport) -> str:
    """The owner's report page (login required), where the report and its codes are extended."""
    return settings.SITE_URL + reverse("verification:mine", args=[report.public_id])


def _describe(item: Due) -> str:
    report = item.report
    what = _("%(kind)s报告（%(school)s）") % {
        "kind": report.get_kind_display(),
        "school": report.subject.school.name,
    }
    if isinstance(item.row, RecipientCode):
        what = _("%(report)s出具给“%(label)s”的验证码") % {"report": what, "label": item.row.label}
    return _("%(what)s将于%(date)s到期") % {
        "what": what,
        "date": f"{item.valid_until:%Y年%m月%d日}",
    }


def message(items: list[Due]) -> tuple[str, str]:
    """The SMS text and email subject (Chinese: the gateway sends one language). Items of one
    report share its link."""
    by_report: dict[int, list[Due]] = {}
    for item in items:
        by_report.setdefault(item.report.pk, []).append(item)
    lines = "；".join(
        _("%(items)s，延长有效期：%(url)s")
        % {
            "items": "，".join(_describe(item) for item in group),
            "url": extend_url(group[0].report),
        }
        for group in by_report.values()
    )
    text = _(
        "【学信网仿真】您的在线验证报告即将到期：%(lines)s。需登录学信档案操作；"
        "不需要提醒可在“账号管理”中关闭。本消息由仿真系统发送。"
    ) % {"lines": lines}
    return text, _("学信网（仿真）：在线验证报告即将到期")


def send(today: datetime.date | None = None, *, dry_run: bool = False) -> ReminderRun:
    """Remind every account of what ends within ``DAYS_BEFORE`` days; one message each."""
    run = ReminderRun()
    by_owner: dict[int, list[Due]] = defaultdict(list)
    for item in due(today):
        by_owner[item.report.owner_id].append(item)
    for owner_id, items in by_owner.items():
        owner = items[0].report.owner
        if dry_run:
            run.sent += 1
            run.items += len(items)
            continue
        with transaction.atomic():
            claimed = [item for item in items if _claim(item)]
            if not claimed:
                continue
            text, subject = message(claimed)
            notify(owner, text, subject)
        run.sent += 1
        run.items += len(claimed)
        run.accounts.add(owner_id)
        log_event("verification.reminder_sent", user=owner_id, items=len(claimed))
    return run
