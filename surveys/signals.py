"""Receivers of the surveys app.

- After ``seed_demo`` has built the records and the demo logins, the demo survey is added
  (``surveys.demo``): records never imports this app.
- The 学籍 page may be kept per worker under the account's stamps (``accounts.stamps``); the
  survey banner is part of that page, so a response renews the person's account stamps and any
  survey change renews the stamp every account page carries. Without this a student who has
  just submitted could be shown the kept page with 待填写 until the copy expires.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from accounts import stamps
from records.demo import demo_seeded
from xuexin import memo

from .models import Survey, SurveyResponse


@receiver(demo_seeded, dispatch_uid="surveys.demo_survey")
def seed_demo_survey(sender, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    from .demo import seed_survey

    return seed_survey()


@receiver(post_save, sender=SurveyResponse, dispatch_uid="surveys.stamp_response_saved")
@receiver(post_delete, sender=SurveyResponse, dispatch_uid="surveys.stamp_response_deleted")
def response_changed(sender, instance: SurveyResponse, **kwargs) -> None:  # type: ignore[no-untyped-def]
    stamps.renew_accounts_of(instance.person_id)


@receiver(post_save, sender=Survey, dispatch_uid="surveys.stamp_survey_saved")
@receiver(post_delete, sender=Survey, dispatch_uid="surveys.stamp_survey_deleted")
@receiver(m2m_changed, sender=Survey.schools.through, dispatch_uid="surveys.stamp_survey_schools")
def survey_changed(sender, **kwargs) -> None:  # type: ignore[no-untyped-def]
    memo.renew(stamps.SCHOOLS)
