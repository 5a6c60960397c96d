"""School scoping for registrars, everywhere in the admin (DESIGN §4.6).

A registrar (staff with a school) reaches only the people and records of that school: change
lists, change pages reached by URL, delete, history pages, autocomplete, bulk actions, exports
and the choices of every foreign key. Outside the scope the answer is the one for a missing
object. Everything is decided by querying the scoped querysets of ``records.access``, never by
fetching an object and then checking it.
"""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from xuexin.staff import is_registrar, staff_sees_everyone

from ..access import persons_visible_to, records_visible_to
from ..models import DegreeAward, Enrollment, Person, Qualification, School

SCOPED_MODELS = (Person, Enrollment, Qualification, DegreeAward)


def scoped_queryset(user, model: type[models.Model]) -> QuerySet:
    """Everything of ``model`` this staff member may reach in the admin."""
    if model is Person:
        return persons_visible_to(user)
    if model is School:
        if staff_sees_everyone(user):
            return School.objects.all()
        if is_registrar(user):
            return School.objects.filter(pk=user.school_id)
        return School.objects.none()
    if not issubclass(model, (Enrollment, Qualification, DegreeAward)):
        raise TypeError(f"{model.__name__} has no admin scope")
    return records_visible_to(user, model)


class ScopedForeignKeysMixin:
    """Foreign-key choices limited to the scope, so a crafted POST cannot leave it.

    Used by model admins and inlines alike. ``unscoped_foreign_keys`` names fields that point
    to a scoped model for another reason (报考单位 of an exam can be any school).
    """

    unscoped_foreign_keys: tuple[str, ...] = ()

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        related = db_field.related_model
        scoped = related in SCOPED_MODELS or related is School
        if scoped and db_field.name not in self.unscoped_foreign_keys:
            kwargs["queryset"] = scoped_queryset(request.user, related)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]  # mixin: the admin class comes later in the MRO


class ScopedObjectsMixin:
    """Object permissions and history pages answer only for objects in ``get_queryset``.

    The admin asks the permission methods about objects it did not always load through
    ``get_queryset`` (django-simple-history's pages find objects by themselves), so they check
    membership with one indexed query per object and request, remembered on the request.
    """

    def _in_scope(self, request: HttpRequest, obj: models.Model) -> bool:
        if staff_sees_everyone(request.user):
            return True
        cache: dict[tuple[type, object], bool] = request.__dict__.setdefault("_scope_cache", {})
        key = (type(self), obj.pk)
        if key not in cache:
            cache[key] = self.get_queryset(request).filter(pk=obj.pk).exists()  # type: ignore[attr-defined]  # mixin: provided by the admin class
        return cache[key]

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        allowed = super().has_view_permission(request, obj)  # type: ignore[misc]  # mixin: the admin class comes later in the MRO
        return allowed and (obj is None or self._in_scope(request, obj))

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)  # type: ignore[misc]  # mixin: the admin class comes later in the MRO
        return allowed and (obj is None or self._in_scope(request, obj))

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)  # type: ignore[misc]  # mixin: the admin class comes later in the MRO
        return allowed and (obj is None or self._in_scope(request, obj))

    def _require_in_scope(self, request: HttpRequest, object_id: str) -> None:
        """Out of scope is a missing object: django-simple-history answers that with 404."""
        if staff_sees_everyone(request.user):
            return
        pk = unquote(object_id)
        if not self.get_queryset(request).filter(pk=pk).exists():  # type: ignore[attr-defined]  # mixin: provided by the admin class
            raise Http404

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)  # type: ignore[misc]  # mixin: the admin class comes later in the MRO

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc]  # mixin: the admin class comes later in the MRO


class ScopedAdminMixin(ScopedObjectsMixin, ScopedForeignKeysMixin):
    """Persons and records: lists, object pages, permissions, history and foreign keys."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)  # type: ignore[misc]  # mixin: the admin class comes later in the MRO
        if staff_sees_everyone(request.user):
            return queryset
        visible = scoped_queryset(request.user, self.model).values("pk")  # type: ignore[attr-defined]  # mixin: provided by the admin class
        return queryset.filter(pk__in=visible)


class ScopedInlineMixin(ScopedForeignKeysMixin):
    """Inline rows of other schools are neither shown nor saved (a person may be at two)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)  # type: ignore[misc]  # mixin: the admin class comes later in the MRO
        if staff_sees_everyone(request.user):
            return queryset
        visible = scoped_queryset(request.user, self.model).values("pk")  # type: ignore[attr-defined]  # mixin: provided by the admin class
        return queryset.filter(pk__in=visible)
