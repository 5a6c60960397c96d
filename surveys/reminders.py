"""One reminder per person and survey, to eligible students who have not answered.

Only accounts a student can use are reminded: active, not staff, identity checked, undisputed
and bound to an eligible person. The reminder row is written first in its own transaction (the
unique (survey, person) pair makes a second run, or two runs at once, skip the person) and the
message goes out through ``xuexin.notifications.notify`` once that row has committed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from xuexin.notifications import notify

from .eligibility import eligible_enrollments, submitted_persons
from .models import Survey, SurveyReminder
from .services import reminder_text


@dataclass
class ReminderReport:
    survey: Survey
    sent: int = 0
    skipped: int = 0


def accounts_to_remind(survey: Survey):
    eligible = eligible_enrollments(survey).values("person_id")
    reminded = SurveyReminder.objects.filter(survey=survey).values("person_id")
    return (
        User.objects.filter(
            person_id__in=eligible,
            is_active=True,
            is_staff=False,
            identity_disputed=False,
            identity_verified_at__isnull=False,
        )
        .exclude(person_id__in=submitted_persons(survey))
        .exclude(person_id__in=reminded)
        .order_by("pk")
    )


def remind(survey: Survey, *, dry_run: bool = False) -> ReminderReport:
    report = ReminderReport(survey)
    text, subject = reminder_text(survey)
    for account in accounts_to_remind(survey):
        if dry_run:
            report.sent += 1
            continue
        try:
            with transaction.atomic():
                SurveyReminder.objects.create(
                    survey=survey, person_id=account.person_id, account=account
                )
                transaction.on_commit(functools.partial(notify, account, text, subject))
        except IntegrityError:
            report.skipped += 1  # another run reminded this person a moment ago
            continue
        report.sent += 1
    return report


def open_surveys() -> list[Survey]:
    return list(Survey.objects.open_on(timezone.localdate()).order_by("pk"))
