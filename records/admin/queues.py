"""Review queues in the admin: photo reviews marked 有误 and correction requests.

Each queue shows a registrar only their school's requests (national administrators see all),
the evidence inline, a one-by-one decision with a note, and bulk approve / reject actions.
Every decision goes through the services in ``records.corrections`` / ``records.reviews``,
which tell the student.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from simple_history.admin import SimpleHistoryAdmin

from audit.mixins import AccessLoggedAdminMixin
from audit.models import AccessAction
from xuexin.admin_decisions import (
    ALREADY_DECIDED,
    NO_DECISION,
    OneDecisionMessageMixin,
    decision_action,
)
from xuexin.refused import Refused
from xuexin.staff import is_registrar, staff_sees_everyone

from .. import corrections, reviews
from ..models import CorrectionEvent, CorrectionRequest, PhotoReview
from .history import RecordHistoryMixin
from .people import enrollment_photo_url, photo_thumbnail
from .scoping import ScopedObjectsMixin


class SchoolScopedQueueMixin(ScopedObjectsMixin):
    """Review queues: a registrar sees only requests of their own school."""

    school_path = "school"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)  # type: ignore[misc]  # mixin: the admin class comes later in the MRO
        user = request.user
        if staff_sees_everyone(user):
            return queryset
        if user.is_authenticated and is_registrar(user):
            return queryset.filter(**{f"{self.school_path}_id": user.school_id})
        return queryset.none()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# --- 图像校对 ----------------------------------------------------------------------------------


class DecisionForm(forms.ModelForm):
    """A reviewer's decision on a queued request, and a note the student reads.

    Subclasses name their choices and which decision must say why.
    """

    decision_label: StrOrPromise = _("审核")
    decision_choices: list[tuple[str, StrOrPromise]] = []
    note_label: StrOrPromise = _("说明（学生可见）")
    note_required_for = ""
    note_error: StrOrPromise = ""

    decision = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        decision = self.fields["decision"]
        assert isinstance(decision, forms.ChoiceField)  # declared above
        decision.label = self.decision_label
        decision.choices = [("", _("暂不处理")), *self.decision_choices]
        self.fields["note"].label = self.note_label

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("decision") == self.note_required_for and not data.get("note"):
            self.add_error("note", self.note_error)
        return data


class PhotoReviewDecisionForm(DecisionForm):
    decision_label = _("处理")
    decision_choices = [
        ("handle", _("已处理（照片确有问题，已更换或更正）")),
        ("dismiss", _("驳回（核实照片无误）")),
    ]
    note_label = _("处理说明（学生可见）")
    note_required_for = "dismiss"
    note_error = reviews.ERR_DISMISS_NEEDS_NOTE

    class Meta:
        model = PhotoReview
        fields: list[str] = []


def _handle_photo(review: PhotoReview, *, reviewer, note: str) -> str:
    reviews.photo_review_handle(review=review, reviewer=reviewer, note=note)
    return "applied"


def _dismiss_photo(review: PhotoReview, *, reviewer, note: str) -> str:
    try:
        reviews.photo_review_dismiss(review=review, reviewer=reviewer, note=note)
    except Refused as refused:
        raise ValidationError(str(refused.message)) from None
    return "applied"


@admin.register(PhotoReview)
class PhotoReviewAdmin(
    AccessLoggedAdminMixin,
    OneDecisionMessageMixin,
    RecordHistoryMixin,
    SchoolScopedQueueMixin,
    SimpleHistoryAdmin,
):
    access_action = AccessAction.VIEW_REQUEST

    school_path = "enrollment__school"
    form = PhotoReviewDecisionForm
    list_display = ["updated_at", "student", "school", "kind", "verdict", "comment", "state"]
    list_filter = ["state", "kind"]
    list_select_related = ["enrollment__person", "enrollment__school"]
    readonly_fields = [
        "student",
        "school",
        "kind",
        "verdict",
        "comment",
        "photo",
        "state",
        "handled_by",
        "handled_note",
        "updated_at",
    ]
    fieldsets = [
        (
            _("校对意见"),
            {"fields": ["student", "school", "kind", "photo", "verdict", "comment", "updated_at"]},
        ),
        (_("处理"), {"fields": ["state", "handled_by", "handled_note", "decision", "note"]}),
    ]
    actions = [
        decision_action(
            name="handle_selected",
            label=_("批量标记为已处理"),
            decide=_handle_photo,
            already_decided=(reviews.ReviewAlreadyDecided,),
        ),
        decision_action(
            name="dismiss_selected",
            label=_("批量驳回（照片无误）"),
            decide=_dismiss_photo,
            already_decided=(reviews.ReviewAlreadyDecided,),
            note_required=True,
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The queue is about photos marked wrong; a "correct" verdict needs nobody's time.
        return super().get_queryset(request).filter(verdict=PhotoReview.Verdict.WRONG)

    @admin.display(description=_("学生"))
    def student(self, obj: PhotoReview) -> str:
        return str(obj.enrollment.person)

    @admin.display(description=_("学校"))
    def school(self, obj: PhotoReview) -> str:
        return obj.enrollment.school.name

    @admin.display(description=_("照片"))
    def photo(self, obj: PhotoReview) -> str:
        return photo_thumbnail(enrollment_photo_url(obj.enrollment, obj.kind))

    def save_model(self, request: HttpRequest, obj: PhotoReview, form, change: bool) -> None:
        decision = form.cleaned_data.get("decision")
        deciders = {"handle": _handle_photo, "dismiss": _dismiss_photo}
        done = {
            "handle": _("已标记为已处理：%(review)s。"),
            "dismiss": _("已驳回（照片无误）：%(review)s。"),
        }
        if decision not in deciders:
            self.report(request, messages.INFO, NO_DECISION)
            return
        try:
            deciders[decision](obj, reviewer=request.user, note=form.cleaned_data.get("note", ""))
        except reviews.ReviewAlreadyDecided:
            state = PhotoReview.objects.get(pk=obj.pk).get_state_display()
            self.report(request, messages.WARNING, ALREADY_DECIDED % {"status": state})
        except ValidationError as error:
            self.report(request, messages.ERROR, "；".join(error.messages))
        else:
            label = f"{obj.enrollment.person.name} {obj.get_kind_display()}"
            self.report(request, messages.SUCCESS, done[decision] % {"review": label})


# --- 更正申请 ----------------------------------------------------------------------------------


class CorrectionDecisionForm(DecisionForm):
    decision_choices = [
        ("review", _("开始审核（学校审核中）")),
        ("approve", _("通过并更正")),
        ("reject", _("驳回")),
    ]
    note_required_for = "reject"
    note_error = corrections.ERR_REJECT_NEEDS_NOTE

    class Meta:
        model = CorrectionRequest
        fields: list[str] = []


class CorrectionEventInline(admin.TabularInline):
    model = CorrectionEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "status", "note", "actor")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def _approve(correction: CorrectionRequest, *, reviewer, note: str) -> str:
    return corrections.correction_approve(correction=correction, reviewer=reviewer, note=note)


def _reject(correction: CorrectionRequest, *, reviewer, note: str) -> str:
    try:
        corrections.correction_reject(correction=correction, reviewer=reviewer, note=note)
    except Refused as refused:
        raise ValidationError(str(refused.message)) from None
    return "applied"


DECIDED_ELSEWHERE = (corrections.CorrectionAlreadyDecided, corrections.CorrectionEscalated)


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(
    AccessLoggedAdminMixin,
    OneDecisionMessageMixin,
    RecordHistoryMixin,
    SchoolScopedQueueMixin,
    SimpleHistoryAdmin,
):
    access_action = AccessAction.VIEW_REQUEST

    form = CorrectionDecisionForm
    inlines = [CorrectionEventInline]
    list_display = ["created_at", "person", "school", "field_label", "proposed", "status"]
    list_filter = ["status", "school"]
    list_select_related = ["person", "school", "enrollment", "qualification", "degree"]
    search_fields = ["person__name"]
    readonly_fields = [
        "person",
        "school",
        "record_label",
        "field_label",
        "current",
        "proposed",
        "reason",
        "evidence_link",
        "status",
        "created_at",
    ]
    fieldsets = [
        (
            _("申请"),
            {
                "fields": [
                    "person",
                    "school",
                    "record_label",
                    "field_label",
                    "current",
                    "proposed",
                    "reason",
                    "evidence_link",
                    "status",
                    "created_at",
                ]
            },
        ),
        (_("审核"), {"fields": ["decision", "note"]}),
    ]
    actions = [
        decision_action(
            name="approve_selected",
            label=_("批量通过并更正"),
            decide=_approve,
            already_decided=DECIDED_ELSEWHERE,
        ),
        decision_action(
            name="reject_selected",
            label=_("批量驳回"),
            decide=_reject,
            already_decided=DECIDED_ELSEWHERE,
            note_required=True,
        ),
    ]

    @admin.display(description=_("记录"))
    def record_label(self, obj: CorrectionRequest) -> str:
        return str(obj.record)

    @admin.display(description=_("更正项目"))
    def field_label(self, obj: CorrectionRequest) -> str:
        return corrections.field_label(obj.record, obj.field)

    @admin.display(description=_("当前信息"))
    def current(self, obj: CorrectionRequest) -> str:
        return corrections.label_for(obj.record, obj.field, obj.current_value)

    @admin.display(description=_("申请更正为"))
    def proposed(self, obj: CorrectionRequest) -> str:
        return corrections.label_for(obj.record, obj.field, obj.proposed_value)

    @admin.display(description=_("证明材料"))
    def evidence_link(self, obj: CorrectionRequest) -> str:
        if not obj.evidence:
            return "—"
        return photo_thumbnail(reverse("records:staff-correction-evidence", args=[obj.public_id]))

    def save_model(self, request: HttpRequest, obj: CorrectionRequest, form, change: bool) -> None:
        decision = form.cleaned_data.get("decision")
        note = form.cleaned_data.get("note", "")
        actions = {
            "review": corrections.correction_start_review,
            "approve": corrections.correction_approve,
            "reject": corrections.correction_reject,
        }
        if decision not in actions:
            self.report(request, messages.INFO, NO_DECISION)
            return
        subject = _("%(student)s 的%(field)s更正申请") % {
            "student": obj.person.name,
            "field": corrections.field_label(obj.record, obj.field),
        }
        try:
            outcome = actions[decision](correction=obj, reviewer=request.user, note=note)
        except corrections.CorrectionAlreadyDecided:
            status = CorrectionRequest.objects.get(pk=obj.pk).get_status_display()
            self.report(request, messages.WARNING, ALREADY_DECIDED % {"status": status})
        except corrections.CorrectionEscalated:
            self.report(request, messages.WARNING, corrections.ERR_ESCALATED)
        except Refused as refused:
            self.report(request, messages.ERROR, refused.message)
        except ValidationError as error:
            self.report(request, messages.ERROR, "；".join(error.messages))
        else:
            done = {
                "review": _("已开始审核：%(subject)s。"),
                "approve": _("已通过并更正：%(subject)s，已通知学生。"),
                "reject": _("已驳回：%(subject)s，已通知学生。"),
            }[decision]
            if outcome == corrections.ESCALATED:
                done = _(
                    "%(subject)s涉及学生的身份信息（该学生已绑定学信档案账号或在多所院校有记录），"
                    "已提交国家管理员审核；审核后学生会收到通知。"
                )
            self.report(request, messages.SUCCESS, done % {"subject": subject})
