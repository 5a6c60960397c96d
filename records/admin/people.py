"""Admin for schools, people and their records: scoped, versioned, with history."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from audit.mixins import AccessLoggedAdminMixin
from audit.models import AccessAction

from ..access import is_registrar, persons_visible_to, records_visible_to
from ..identity import IdType, normalize_id_number
from ..models import (
    DegreeAward,
    Enrollment,
    ExamRegistration,
    GraduateDestination,
    Person,
    Qualification,
    School,
)
from ..versioning import VersionedModelForm, save_versioned
from .roster import RosterImportExportMixin
from .scoping import (
    ScopedAdminMixin,
    ScopedForeignKeysMixin,
    ScopedInlineMixin,
    ScopedObjectsMixin,
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


class VersionedSaveMixin:
    """Saves of existing rows (the page's object and its inline rows) go through versioning."""

    form = VersionedModelForm

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:  # type: ignore[no-untyped-def]
        if change:
            save_versioned(obj, expected_version=obj.version)
        else:
            obj.save()

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:  # type: ignore[no-untyped-def]
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in instances:
            if obj.pk is not None and hasattr(obj, "version"):
                save_versioned(obj, expected_version=obj.version)
            else:
                obj.save()
        formset.save_m2m()


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "province"]
    list_filter = ["province"]
    search_fields = ["=code", "name"]
    ordering = ["code"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        # A registrar works with their own school only; the one exception is the 报考单位 of
        # an exam registration, which may be any school.
        if is_registrar(request.user) and request.GET.get("field_name") != "target_school":
            return queryset.filter(pk=request.user.school_id)
        return queryset


class VersionedInline(ScopedInlineMixin, admin.StackedInline):
    form = VersionedModelForm
    extra = 0
    show_change_link = True


class EnrollmentInline(VersionedInline):
    model = Enrollment
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
        "version",
    ]

    @admin.display(description=_("录取照片预览"))
    def admission_photo_preview(self, obj: Enrollment) -> str:
        return photo_thumbnail(enrollment_photo_url(obj, "admission"))

    @admin.display(description=_("学历照片预览"))
    def diploma_photo_preview(self, obj: Enrollment) -> str:
        return photo_thumbnail(enrollment_photo_url(obj, "diploma"))


class QualificationInline(VersionedInline):
    model = Qualification
    autocomplete_fields = ["school"]
    fields = [
        ("school", "enrollment"),
        ("level", "major", "duration"),
        ("category", "study_mode", "conclusion"),
        ("entry_date", "graduation_date"),
        ("president_name", "certificate_number"),
        "photo",
        "version",
    ]


class DegreeInline(VersionedInline):
    model = DegreeAward
    autocomplete_fields = ["school"]
    fields = [
        ("school", "level", "degree_type"),
        ("discipline", "major"),
        ("award_date", "certificate_number"),
        "version",
    ]


def id_number_matches(term: str) -> Q:
    """An exact match on (证件类型, 证件号码) per type: served by the unique index."""
    matches = Q(pk__in=[])
    for id_type in IdType.values:
        matches |= Q(id_type=id_type, id_number=normalize_id_number(id_type, term))
    return matches


@admin.register(Person)
class PersonAdmin(AccessLoggedAdminMixin, VersionedSaveMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    access_action = AccessAction.VIEW_PERSON
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
    fields = ["name", "gender", "birth_date", "ethnicity", "id_type", "id_number", "version"]
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
        by_number = (
            Q(pk__in=Enrollment.objects.filter(student_number=term).values("person_id"))
            | Q(pk__in=Qualification.objects.filter(certificate_number=term).values("person_id"))
            | Q(pk__in=DegreeAward.objects.filter(certificate_number=term).values("person_id"))
        )
        matches = Q(name__icontains=term) | id_number_matches(term) | by_number
        return queryset.filter(matches), False


class RecordAdmin(AccessLoggedAdminMixin, VersionedSaveMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    autocomplete_fields = ["person", "school"]
    list_per_page = 50

    @admin.display(description=_("学生"), ordering="person__name")
    def person_label(self, obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.person)


@admin.register(Enrollment)
class EnrollmentAdmin(RosterImportExportMixin, RecordAdmin):
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


class PersonScopedAdmin(
    AccessLoggedAdminMixin, ScopedObjectsMixin, ScopedForeignKeysMixin, SimpleHistoryAdmin
):
    """Exam registrations and destinations: reached through a person or enrolment in scope."""

    def _scope_filter(self, request: HttpRequest) -> Q:
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(self._scope_filter(request))


@admin.register(ExamRegistration)
class ExamRegistrationAdmin(PersonScopedAdmin):
    list_display = ["person", "year", "target_school", "target_major", "admission_status"]
    list_filter = ["year", "admission_status"]
    search_fields = ["=candidate_number", "person__name"]
    autocomplete_fields = ["person", "target_school"]
    list_select_related = ["person", "target_school"]
    unscoped_foreign_keys = ("target_school",)

    def _scope_filter(self, request: HttpRequest) -> Q:
        return Q(person__in=persons_visible_to(request.user).values("pk"))


@admin.register(GraduateDestination)
class GraduateDestinationAdmin(PersonScopedAdmin):
    list_display = ["person", "kind", "employer", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["=verification_number", "person__name"]
    autocomplete_fields = ["person", "enrollment"]
    list_select_related = ["person"]

    def _scope_filter(self, request: HttpRequest) -> Q:
        return Q(enrollment__in=records_visible_to(request.user, Enrollment).values("pk"))
