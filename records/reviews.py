"""图像校对 decisions by the school, and telling the student about any decision."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuexin.notifications import notify
from xuexin.refused import Refused

from .models import Person, PhotoReview

ERR_DISMISS_NEEDS_NOTE = gettext_lazy("驳回时请填写原因，学生会看到该原因")


class ReviewAlreadyDecided(Exception):
    pass


def notify_person_on_commit(person: Person, text: str, subject: str) -> None:
    """Tell every active account bound to ``person``: stored in this transaction, sent after
    it commits (and retried if the gateway fails: xuexin.notifications)."""
    for account in person.accounts.filter(is_active=True):
        notify(account, text, subject)


def _lock_open(review: PhotoReview) -> PhotoReview:
    locked = (
        PhotoReview.objects.select_for_update()
        .select_related("enrollment__person", "enrollment__school")
        .get(pk=review.pk)
    )
    if locked.state != PhotoReview.State.SUBMITTED:
        raise ReviewAlreadyDecided
    return locked


def _decide(review: PhotoReview, *, reviewer, state: str, note: str) -> PhotoReview:
    locked = _lock_open(review)
    locked.state = state
    locked.handled_by = reviewer
    locked.handled_note = note
    locked._history_user = reviewer  # type: ignore[attr-defined]  # read by django-simple-history when it saves
    locked.save(update_fields=["state", "handled_by", "handled_note", "updated_at"])
    return locked


@transaction.atomic
def photo_review_handle(*, review: PhotoReview, reviewer, note: str = "") -> PhotoReview:
    """The school agrees the photo is wrong and has dealt with it (e.g. uploaded a new one)."""
    locked = _decide(review, reviewer=reviewer, state=PhotoReview.State.HANDLED, note=note)
    notify_person_on_commit(
        locked.enrollment.person,
        _("【学信网仿真】您在%(school)s学籍的%(photo)s校对意见已由学校处理。%(note)s")
        % {
            "school": locked.enrollment.school.name,
            "photo": locked.get_kind_display(),
            "note": note,
        },
        _("学信网（仿真）：图像校对处理结果"),
    )
    return locked


@transaction.atomic
def photo_review_dismiss(*, review: PhotoReview, reviewer, note: str) -> PhotoReview:
    """The school checked and the photo is right; the student reads why."""
    if not note.strip():
        raise Refused(ERR_DISMISS_NEEDS_NOTE)
    locked = _decide(review, reviewer=reviewer, state=PhotoReview.State.DISMISSED, note=note)
    notify_person_on_commit(
        locked.enrollment.person,
        _("【学信网仿真】学校已核实您在%(school)s学籍的%(photo)s无误，原因：%(note)s")
        % {
            "school": locked.enrollment.school.name,
            "photo": locked.get_kind_display(),
            "note": note,
        },
        _("学信网（仿真）：图像校对处理结果"),
    )
    return locked
