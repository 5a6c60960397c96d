"""Django admin for staff: people with their records inline, history on every change."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import corrections
from .access import is_registrar, persons_visible_to, records_visible_to, staff_sees_everyone
from .identity import IdType, normalize_id_number
from .models import (
    CorrectionEvent,
    CorrectionRequest,
    DegreeAward,
    Enrollment,
    ExamRegistration,
    GraduateDestination,
    Person,
    PhotoReview,
    Qualification,
    School,
)


def photo_thumbnail(url: str | None) -> str:
    if not url:
        return "—"
    return format_html(
        '<a href="{0}" target="_blank" rel="noopener"><img src="{0}" alt="" '
        'style="height:80px;width:60px;object-fit:cover;border:1px solid #ccc"></a>',
        url,
    )


def enrollment_photo_url(enrollment: Enrollment, kind: str) -> str | None:
    field = enrollment.admission_photo if kind == "admission" else enrollment.diploma_photo
    if not enrollment.pk or not field:
        return None
    return reverse("records:enrollment-photo", args=[enrollment.public_id, kind])


class ScopedAdminMixin:
    """Limit every queryset to what the staff member may see (DESIGN §4.6)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        if self.model is Person:
            return queryset.filter(pk__in=persons_visible_to(request.user).values("pk"))
        return queryset.filter(pk__in=records_visible_to(request.user, self.model).values("pk"))


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "province"]
    list_filter = ["province"]
    search_fields = ["=code", "name"]
    ordering = ["code"]


class EnrollmentInline(admin.StackedInline):
    model = Enrollment
    extra = 0
    show_change_link = True
    autocomplete_fields = ["school"]
    readonly_fields = ["admission_photo_preview", "diploma_photo_preview"]
    fields = [
        ("school", "student_number"),
        ("level", "major", "duration"),
        ("category", "study_mode", "status"),
        ("branch", "department", "class_name"),
        ("entry_date", "expected_graduation_date", "leave_date"),
        ("admission_photo", "admission_photo_preview"),
        ("diploma_photo", "diploma_photo_preview"),
    ]

    @admin.display(description=_("录取照片预览"))
    def admission_photo_preview(self, obj: Enrollment) -> str:
        return photo_thumbnail(enrollment_photo_url(obj, "admission"))

    @admin.display(description=_("学历照片预览"))
    def diploma_photo_preview(self, obj: Enrollment) -> str:
        return photo_thumbnail(enrollment_photo_url(obj, "diploma"))


class QualificationInline(admin.StackedInline):
    model = Qualification
    extra = 0
    show_change_link = True
    autocomplete_fields = ["school"]
    fields = [
        ("school", "enrollment"),
        ("level", "major", "duration"),
        ("category", "study_mode", "conclusion"),
        ("entry_date", "graduation_date"),
        ("president_name", "certificate_number"),
        "photo",
    ]


class DegreeInline(admin.StackedInline):
    model = DegreeAward
    extra = 0
    show_change_link = True
    autocomplete_fields = ["school"]
    fields = [
        ("school", "level", "degree_type"),
        ("discipline", "major"),
        ("award_date", "certificate_number"),
    ]


@admin.register(Person)
class PersonAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "gender", "birth_date", "id_type", "masked_id", "updated_at"]
    list_filter = [
        "enrollments__school",
        "enrollments__level",
        "enrollments__status",
        "id_type",
        "gender",
    ]
    search_fields = ["name"]
    search_help_text = _("按姓名（包含）、证件号码、学号或证书编号（完全一致）搜索")
    inlines = [EnrollmentInline, QualificationInline, DegreeInline]
    fields = ["name", "gender", "birth_date", "ethnicity", "id_type", "id_number"]
    list_per_page = 50

    @admin.display(description=_("证件号码"), ordering="id_number")
    def masked_id(self, obj: Person) -> str:
        return obj.masked_id_number

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """Names match by substring; ID, 学号 and certificate numbers only exactly (indexed)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        numbers = {normalize_id_number(id_type, term) for id_type in IdType.values} | {term}
        matches = (
            Q(name__icontains=term)
            | Q(id_number__in=numbers)
            | Q(enrollments__student_number=term)
            | Q(qualifications__certificate_number=term)
            | Q(degrees__certificate_number=term)
        )
        return queryset.filter(matches), True


class RecordAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    autocomplete_fields = ["person", "school"]
    list_per_page = 50

    @admin.display(description=_("学生"), ordering="person__name")
    def person_label(self, obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.person)


@admin.register(Enrollment)
class EnrollmentAdmin(RecordAdmin):
    list_display = [
        "person_label",
        "school",
        "student_number",
        "level",
        "major",
        "status",
        "admission_thumb",
    ]
    list_filter = ["school", "level", "status", "category", "study_mode"]
    search_fields = ["=student_number", "person__name"]
    list_select_related = ["person", "school"]
    readonly_fields = ["admission_thumb", "diploma_thumb"]

    @admin.display(description=_("录取照片"))
    def admission_thumb(self, obj: Enrollment) -> str:
        return photo_thumbnail(enrollment_photo_url(obj, "admission"))

    @admin.display(description=_("学历照片"))
    def diploma_thumb(self, obj: Enrollment) -> str:
        return photo_thumbnail(enrollment_photo_url(obj, "diploma"))


@admin.register(Qualification)
class QualificationAdmin(RecordAdmin):
    list_display = ["person_label", "school", "level", "major", "conclusion", "certificate_number"]
    list_filter = ["school", "level", "category", "conclusion"]
    search_fields = ["=certificate_number", "person__name"]
    list_select_related = ["person", "school"]
    autocomplete_fields = ["person", "school", "enrollment"]


@admin.register(DegreeAward)
class DegreeAwardAdmin(RecordAdmin):
    list_display = ["person_label", "school", "level", "discipline", "major", "certificate_number"]
    list_filter = ["school", "level", "degree_type", "discipline"]
    search_fields = ["=certificate_number", "person__name"]
    list_select_related = ["person", "school"]


@admin.register(ExamRegistration)
class ExamRegistrationAdmin(SimpleHistoryAdmin):
    list_display = ["person", "year", "target_school", "target_major", "admission_status"]
    list_filter = ["year", "admission_status"]
    search_fields = ["=candidate_number", "person__name"]
    autocomplete_fields = ["person", "target_school"]
    list_select_related = ["person", "target_school"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        visible = persons_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(person__in=visible)


@admin.register(GraduateDestination)
class GraduateDestinationAdmin(SimpleHistoryAdmin):
    list_display = ["person", "kind", "employer", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["=verification_number", "person__name"]
    autocomplete_fields = ["person", "enrollment"]
    list_select_related = ["person"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        visible = records_visible_to(request.user, Enrollment).values("pk")
        return super().get_queryset(request).filter(enrollment__in=visible)


class SchoolScopedQueueMixin:
    """Review queues: a registrar sees only requests of their own school."""

    school_path = "school"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        user = request.user
        if staff_sees_everyone(user):
            return queryset
        if is_registrar(user):
            return queryset.filter(**{f"{self.school_path}_id": user.school_id})
        return queryset.none()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PhotoReviewHandleForm(forms.ModelForm):
    class Meta:
        model = PhotoReview
        fields = ["state", "handled_note"]


@admin.register(PhotoReview)
class PhotoReviewAdmin(SchoolScopedQueueMixin, SimpleHistoryAdmin):
    school_path = "enrollment__school"
    form = PhotoReviewHandleForm
    list_display = ["updated_at", "student", "school", "kind", "verdict", "comment", "state"]
    list_filter = ["verdict", "state", "kind"]
    list_select_related = ["enrollment__person", "enrollment__school"]
    readonly_fields = ["student", "school", "kind", "verdict", "comment", "photo", "updated_at"]
    fields = ["student", "school", "kind", "photo", "verdict", "comment", "state", "handled_note"]

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

    def save_model(self, request: HttpRequest, obj: PhotoReview, form, change: bool) -> None:  # type: ignore[no-untyped-def]
        obj.handled_by = request.user
        super().save_model(request, obj, form, change)


class CorrectionDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("审核"),
        choices=[
            ("", _("暂不处理")),
            ("review", _("开始审核（学校审核中）")),
            ("approve", _("通过并更正")),
            ("reject", _("驳回")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("说明（学生可见）"), max_length=300, required=False)

    class Meta:
        model = CorrectionRequest
        fields: list[str] = []

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("note"):
            self.add_error("note", corrections.ERR_REJECT_NEEDS_NOTE)
        return data


class CorrectionEventInline(admin.TabularInline):
    model = CorrectionEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "status", "note", "actor"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(SchoolScopedQueueMixin, SimpleHistoryAdmin):
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

    def save_model(self, request: HttpRequest, obj: CorrectionRequest, form, change: bool) -> None:  # type: ignore[no-untyped-def]
        decision = form.cleaned_data.get("decision")
        note = form.cleaned_data.get("note", "")
        actions = {
            "review": corrections.correction_start_review,
            "approve": corrections.correction_approve,
            "reject": corrections.correction_reject,
        }
        if decision not in actions:
            return
        try:
            actions[decision](correction=obj, reviewer=request.user, note=note)
        except corrections.CorrectionAlreadyDecided:
            messages.warning(request, _("该申请已经处理过，本次操作未生效。"))
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
