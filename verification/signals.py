"""Receivers of the verification app: the demo's report near expiry and its pending 查验申请
after ``seed_demo``, closing the live reports of a 学籍 the school withdraws (撤销), and
deleting employers' 查验申请 past their retention period (``purge_expired``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.dispatch import receiver

from records.cohort import REPORT_CLOSED_REASON, enrollment_withdrawn
from records.demo import demo_seeded
from records.models import Enrollment
from xuexin.retention import cutoff, purge_requested

from .models import VerificationReport, VerifierRequest
from .services import report_close


@receiver(demo_seeded, dispatch_uid="verification.demo_report")
def seed_demo_report(sender, **kwargs) -> list[str]:
    from .demo import seed_report_near_expiry

    return seed_report_near_expiry()


@receiver(demo_seeded, dispatch_uid="verification.demo_request")
def seed_demo_request(sender: object, **kwargs: Any) -> list[str]:
    from .demo import seed_pending_request

    return seed_pending_request()


@receiver(enrollment_withdrawn, dispatch_uid="verification.close_withdrawn_reports")
def close_withdrawn_reports(sender: object, *, enrollment: Enrollment, **kwargs: Any) -> None:
    for report in VerificationReport.objects.live().filter(enrollment=enrollment):
        report_close(report=report, reason=REPORT_CLOSED_REASON)


@receiver(purge_requested, dispatch_uid="verification.purge_verifier_requests")
def purge_verifier_requests(sender: object, **kwargs: Any) -> dict[str, int]:
    """查验申请 expired longer ago than their retention period, with their answers; the
    recipient codes they produced stay with their reports."""
    days = settings.RETENTION_DAYS["verifier_requests"]
    deleted = VerifierRequest.objects.filter(expires_at__lt=cutoff(days)).delete()
    return {"verifier requests": deleted[1].get(VerifierRequest._meta.label, 0)}
