"""Receivers of the verification app: the demo's report near expiry and its pending 查验申请
after ``seed_demo``."""

from __future__ import annotations

from django.dispatch import receiver

from records.demo import demo_seeded


@receiver(demo_seeded, dispatch_uid="verification.demo_report")
def seed_demo_report(sender, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    from .demo import seed_report_near_expiry

    return seed_report_near_expiry()


@receiver(demo_seeded, dispatch_uid="verification.demo_request")
def seed_demo_request(sender, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    from .demo import seed_pending_request

    return seed_pending_request()
