"""Admin for schools, people and their records: scoped, versioned, with history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import FileField, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from audit.mixins import AccessLoggedAdminMixin
from audit.models import AccessAction
from xuexin.refused import Refused
from xuexin.staff import is_registrar, staff_sees_everyone

from .. import identity_changes
from ..access import persons_visible_to, records_visible_to
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
from .cohort import EntryYearFilter, RegistrarToolsMixin, WithdrawnFilter
from .history import (
    REASON_ADD,
    REASON_DELETE,
    REASON_EDIT,
    RecordHistoryMixin,
    StaffNoteFormMixin,
    staff_reason,
)
from .photo_batch import PhotoBatchMixin
from .roster import RosterImportExportMixin
from .scoping import (
    ScopedAdminMixin,
    ScopedForeignKeysMixin,
    ScopedInlineMixin,
    ScopedObjectsMixin,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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


class StaffEditForm(StaffNoteFormMixin, VersionedModelForm):
    """The change form of a record: versioned, with a note for the history entry."""


def _reason(form, base: str) -> str:
    return staff_reason(base, form.cleaned_data.get("change_note", "") if form else "")


class VersionedSaveMixin(RecordHistoryMixin):
    """Saves of existing rows (the page's object and its inline rows) go through versioning,
    and every history entry of an admin save says 后台编辑 (plus the staff member's note)."""

    form = StaffEditForm

    class Media:
        css = {"all": ["css/staff-admin.css"]}

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        obj._change_reason = _reason(form, REASON_EDIT if change else REASON_ADD)
        if change:
            save_versioned(obj, expected_version=obj.version)
        else:
            obj.save()

    def delete_model(self, request: HttpRequest, obj) -> None:
        obj._change_reason = REASON_DELETE
        super().delete_model(request, obj)  # type: ignore[misc]  # mixin: the admin class comes later in the MRO

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj._change_reason = REASON_DELETE
            obj.delete()
        for obj in instances:
            if obj.pk is not None and hasattr(obj, "version"):
                obj._change_reason = _reason(form, REASON_EDIT)
                save_versioned(obj, expected_version=obj.version)
            else:
                obj._change_reason = _reason(form, REASON_ADD)
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
        user = request.user
        if (
            user.is_authenticated
            and is_registrar(user)
            and request.GET.get("field_name") != "target_school"
        ):
            return queryset.filter(pk=user.school_id)
        return queryset


class VersionedInline(ScopedInlineMixin, admin.StackedInline):
    form = VersionedModelForm
    extra = 0
    show_change_link = True


class EnrollmentInline(VersionedInline):
    model = Enrollment

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # A withdrawn 学籍 is edited (or restored) only from the 学籍 list.
        return super().get_queryset(request).filter(withdrawn_at__isnull=True)

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


class PersonForm(StaffEditForm):
    """A person's page: a new ID must belong neither to another person nor to another account."""

    def clean(self) -> dict[str, object]:
        data = super().clean()
        id_type, id_number = data.get("id_type"), data.get("id_number")
        if self.instance.pk is not None and id_type and id_number:
            try:
                identity_changes.check_new_document(
                    self.instance, str(id_type), normalize_id_number(str(id_type), str(id_number))
                )
            except Refused as refused:
                self.add_error("id_number", str(refused.message))
        return data


@admin.register(Person)
class PersonAdmin(AccessLoggedAdminMixin, VersionedSaveMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    form = PersonForm
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
    fields = [
        "name",
        "gender",
        "birth_date",
        "ethnicity",
        "id_type",
        "id_number",
        "version",
        "change_note",
    ]
    masked_history_fields = {"id_number": "masked_id"}
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

    # --- identity fields of shared people (records.identity_changes) ---------------------------

    def _identity_locked(self, request: HttpRequest, obj: Person | None) -> bool:
        if obj is None or obj.pk is None or self._past_version(request):
            return False
        cache = request.__dict__.setdefault("_identity_locked", {})
        if obj.pk not in cache:
            cache[obj.pk] = not identity_changes.may_change_identity(request.user, obj)
        return cache[obj.pk]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self._identity_locked(request, obj):
            readonly += [name for name in identity_changes.IDENTITY_FIELDS if name not in readonly]
        return readonly

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self._past_version(request):
            return fieldsets
        if self._identity_locked(request, obj):
            request_url = reverse("admin:records_identitychange_add") + f"?person={obj.pk}"
            description = format_html(
                '<p class="staff-identity-locked">{}</p><p><a class="button" href="{}">{}</a></p>',
                identity_changes.locked_explanation(obj),
                request_url,
                _("提交身份信息变更申请"),
            )
        elif identity_changes.lock_reasons(obj):
            description = format_html(
                '<p class="staff-identity-shared">{}</p>',
                _("修改姓名、证件号码等身份信息会同步到学生绑定的学信档案账号，并通知学生。"),
            )
        else:
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "description": description}), *rest]

    def save_model(self, request: HttpRequest, obj: Person, form, change: bool) -> None:
        changed = [name for name in identity_changes.IDENTITY_FIELDS if name in form.changed_data]
        if not change or not changed:
            super().save_model(request, obj, form, change)
            return
        # The identity, and the accounts bound to it, change together (and the student is told).
        identity_changes.person_identity_update(
            person=obj,
            values={name: getattr(obj, name) for name in changed},
            actor=request.user,
            reason=_reason(form, REASON_EDIT),
            expected_version=obj.version,
        )


class RecordAdmin(AccessLoggedAdminMixin, VersionedSaveMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    autocomplete_fields = ["person", "school"]
    list_per_page = 50

    def get_fields(self, request: HttpRequest, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None or self._past_version(request) or self.has_change_permission(request, obj):
            return fields
        # Read-only, a private photo field would ask its storage for a URL (there is none);
        # the thumbnails show the photos instead.
        photo_fields = {f.name for f in self.model._meta.fields if isinstance(f, FileField)}
        return [name for name in fields if name not in photo_fields]

    @admin.display(description=_("学生"), ordering="person__name")
    def person_label(self, obj) -> str:
        return str(obj.person)


@admin.register(Enrollment)
class EnrollmentAdmin(PhotoBatchMixin, RegistrarToolsMixin, RosterImportExportMixin, RecordAdmin):
    import_export_change_list_template = "admin/records/enrollment/change_list.html"
    list_display = [
        "person_label",
        "school",
        "student_number",
        "level",
        "major",
        "class_name",
        "status_label",
        "admission_thumb",
    ]
    list_filter = [
        EntryYearFilter,
        ("major", admin.AllValuesFieldListFilter),
        ("class_name", admin.AllValuesFieldListFilter),
        "level",
        "status",
        "category",
        "study_mode",
        WithdrawnFilter,
        ("school", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["=student_number", "person__name"]
    search_help_text = _("按学号或证件号码（完全一致）、姓名（包含）搜索")
    list_select_related = ["person", "school"]
    readonly_fields = ["withdrawal", "admission_thumb", "diploma_thumb"]

    def get_list_filter(self, request: HttpRequest):
        filters = list(super().get_list_filter(request))
        if is_registrar(request.user):  # one school: nothing to choose
            filters = [f for f in filters if f != ("school", admin.RelatedOnlyFieldListFilter)]
        return filters

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """学号 and 证件号码 match exactly (indexed), names by substring."""
        term = search_term.strip()
        if not term:
            return queryset, False
        people = Person.objects.filter(id_number_matches(term)).values("pk")
        matches = Q(student_number=term) | Q(person__in=people) | Q(person__name__icontains=term)
        return queryset.filter(matches), False

    @admin.display(description=_("学籍状态"), ordering="status")
    def status_label(self, obj: Enrollment) -> str:
        if obj.is_withdrawn:
            return format_html(
                '{} <strong class="staff-withdrawn">{}</strong>',
                obj.get_status_display(),
                _("（已撤销）"),
            )
        return obj.get_status_display()

    @admin.display(description=_("撤销情况"))
    def withdrawal(self, obj: Enrollment) -> StrOrPromise:
        if not obj.is_withdrawn:
            return _("未撤销")
        return format_html(
            '<strong class="staff-withdrawn">{}</strong>',
            _(
                "已于 %(when)s 撤销（%(who)s）：%(reason)s。"
                "学生看不到该学籍；只有国家管理员可以恢复。"
            )
            % {
                "when": f"{timezone.localtime(obj.withdrawn_at):%Y-%m-%d %H:%M}",
                "who": obj.withdrawn_by or _("其他工作人员"),
                "reason": obj.withdrawn_reason,
            },
        )

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # A withdrawn record is read-only for registrars; restoring it is a national decision.
        if obj is not None and obj.is_withdrawn and not staff_sees_everyone(request.user):
            return False
        return super().has_change_permission(request, obj)

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
    AccessLoggedAdminMixin,
    RecordHistoryMixin,
    ScopedObjectsMixin,
    ScopedForeignKeysMixin,
    SimpleHistoryAdmin,
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
