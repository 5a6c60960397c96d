"""The stamps that keep each worker's copy of an account (and its 学籍 cards) current.

One stamp per account covers what the account's pages show from the database without asking
again: the user row, the bound person, that person's enrolments and their photo reviews. One
more stamp covers every school's name. Writes to any of them renew the stamps (xuexin.memo).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from records.models import Enrollment, Person, PhotoReview, School
from xuexin import memo

from .models import User

SCHOOLS = "schools"


def account(pk: int) -> str:
    return f"account:{pk}"


def renew_accounts_of(person_id: int | None) -> None:
    if person_id is None:
        return
    pks = list(User.objects.filter(person_id=person_id).values_list("pk", flat=True))
    if pks:
        memo.renew(*(account(pk) for pk in pks))


@receiver(post_save, sender=User, dispatch_uid="accounts.stamp_user_saved")
@receiver(post_delete, sender=User, dispatch_uid="accounts.stamp_user_deleted")
def user_changed(sender, instance: User, **kwargs) -> None:  # type: ignore[no-untyped-def]
    memo.renew(account(instance.pk))


@receiver(post_save, sender=Person, dispatch_uid="accounts.stamp_person_saved")
# Before the delete: it sets the accounts' person to NULL, and then none would be found.
@receiver(pre_delete, sender=Person, dispatch_uid="accounts.stamp_person_deleted")
def person_changed(sender, instance: Person, **kwargs) -> None:  # type: ignore[no-untyped-def]
    renew_accounts_of(instance.pk)


@receiver(post_save, sender=Enrollment, dispatch_uid="accounts.stamp_enrollment_saved")
@receiver(post_delete, sender=Enrollment, dispatch_uid="accounts.stamp_enrollment_deleted")
def enrollment_changed(sender, instance: Enrollment, **kwargs) -> None:  # type: ignore[no-untyped-def]
    renew_accounts_of(instance.person_id)


@receiver(post_save, sender=PhotoReview, dispatch_uid="accounts.stamp_review_saved")
@receiver(post_delete, sender=PhotoReview, dispatch_uid="accounts.stamp_review_deleted")
def review_changed(sender, instance: PhotoReview, **kwargs) -> None:  # type: ignore[no-untyped-def]
    person_id = (
        Enrollment.objects.filter(pk=instance.enrollment_id).values_list("person_id", flat=True)
    ).first()
    renew_accounts_of(person_id)


@receiver(post_save, sender=School, dispatch_uid="accounts.stamp_school_saved")
@receiver(post_delete, sender=School, dispatch_uid="accounts.stamp_school_deleted")
def school_changed(sender, instance: School, **kwargs) -> None:  # type: ignore[no-untyped-def]
    memo.renew(SCHOOLS)
