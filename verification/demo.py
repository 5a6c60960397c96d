"""Demo verification data, added after ``seed_demo`` (records.demo.demo_seeded).

* A report near its end, so that ``send_report_reminders`` has something to send: the example
  student gets a 学籍 report issued 25 days ago that ends in 5 days, with one recipient code.
  Seeding again adds another only when the student has no live report ending within the
  reminder window.
* A pending 查验申请 for the example student, from a synthetic employer, so the archive shows
  one to approve or decline. Seeding again adds one only when none is pending.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.demo import STUDENT
from accounts.models import User
from records.models import Enrollment

from . import consent, recipients, reminders, services
from .models import VerificationReport, VerifierRequest
from .verifier_requests import request_submit

ISSUED_DAYS_AGO = 25
ENDS_IN_DAYS = 5


def seed_report_near_expiry() -> list[str]:
    student = User.objects.filter(phone=STUDENT.phone).select_related("person").first()
    if student is None or student.person is None:
        return []
    today = timezone.localdate()
    window_end = today + datetime.timedelta(reminders.DAYS_BEFORE)
    near = VerificationReport.objects.live().filter(owner=student, valid_until__lte=window_end)
    if near.exists():
        return []
    enrollment = Enrollment.objects.for_person(student.person).order_by("entry_date").first()
    if enrollment is None:
        return []
    report = services.report_issue(
        owner=student, record=enrollment, months=1, consent_version=consent.VERSION
    )
    issued = timezone.now() - datetime.timedelta(days=ISSUED_DAYS_AGO)
    report.created_at = report.updated_at = report.consented_at = issued
    report.valid_until = today + datetime.timedelta(days=ENDS_IN_DAYS)
    services._sign_into(report)  # signed again with the dates it would have had
    report.save()
    recipient = recipients.recipient_issue(
        report=report, label="示例科技有限公司", valid_until=report.valid_until
    )
    recipient.updated_at = issued
    recipient.save(update_fields=["updated_at"])
    return [
        f"  Demo report ending {report.valid_until:%Y-%m-%d} (with a recipient code): "
        f"/archive/reports/{report.public_id}/ — `manage.py send_report_reminders` sends "
        "its reminder to the outbox"
    ]


DEMO_REQUEST = {
    "organisation": "示例人力资源有限公司",
    "contact_name": "王示例",
    "contact_email": "hr@example.com",
    "contact_phone": "010-00000000",
    "kinds": ["xueli", "xuewei"],
    "purpose": "入职背景调查",
}


def seed_pending_request() -> list[str]:
    student = User.objects.filter(phone=STUDENT.phone).select_related("person").first()
    if student is None or student.person is None:
        return []
    person = student.person
    pending = VerifierRequest.objects.for_person(person).open().exclude(answers__candidate=student)
    if pending.exists():
        return []
    asked = request_submit(
        data={
            **DEMO_REQUEST,
            "candidate_name": person.name,
            "id_last4": person.id_number[-4:].upper(),
        },
        language="zh-hans",
        ip_prefix="",
    )
    return [
        f"  Demo verification request from {asked.organisation}: /archive/requests/ "
        "(approve it and read the emailed code at /account/outbox/)"
    ]
