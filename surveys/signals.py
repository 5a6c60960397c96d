"""Receivers of the surveys app: after ``seed_demo`` has built the records and the demo logins,
the demo survey is added (``surveys.demo``), so that records never imports this app."""

from __future__ import annotations

from django.dispatch import receiver

from records.demo import demo_seeded


@receiver(demo_seeded, dispatch_uid="surveys.demo_survey")
def seed_demo_survey(sender, **kwargs) -> list[str]:
    from .demo import seed_survey

    return seed_survey()
