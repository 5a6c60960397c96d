"""Optimistic locking: two staff editing one record cannot silently overwrite each other.

Person, Enrollment, Qualification and DegreeAward carry a ``version``. A form remembers the
version it was loaded with (a hidden field); saving compares it with the stored one under a row
lock and increments it in the same UPDATE. Every other writer (correction approval, roster
import, bulk actions) goes through ``save_versioned`` too, so a form left open while a
correction is applied becomes stale.

A stale form is refused with ``ERR_CONFLICT`` and comes back *merged*, so that saving again
loses nothing: it holds the values saved now; the user's own changes are re-applied where the
other person left the field alone; a field both changed (differently) shows the other person's
value, is marked with both values, and takes the user's value only if they tick 改用我填写的值
next to it (or type it again). What each side changed is read against the history entry of the
version the form was loaded with; without one, every difference counts as a clash.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from xuexin.fields import concrete_field

ERR_CONFLICT = _(
    "保存未生效：在您编辑期间，%(who)s 于 %(when)s 修改并保存了这条记录（当前为第 %(version)s "
    "版）。对方的修改：%(changes)s。表单现在显示最新保存的内容，并保留了您对其他字段的修改；"
    "双方都改过的字段已标出，默认保留对方保存的值，勾选“改用我填写的值”才会覆盖。请核对后再保存。"
)
ERR_CLASH = _("对方已改为“%(theirs)s”，您填写的是“%(mine)s”。当前显示对方的值。")
KEEP_MINE = _("改用我填写的值：%(mine)s")
NO_VISIBLE_CHANGES = _("（无可显示的字段变化）")
SOMEONE = _("其他工作人员")
# The checkbox next to a clashing field: "<field's input name>-keep-mine" carries the value.
KEEP_MINE_SUFFIX = "-keep-mine"
UNTRACKED_FIELDS = {"id", "version", "updated_at", "created_at", "public_id"}


def _mutable_copy(data: object) -> QueryDict | dict[str, Any]:
    # A bound form's data is the request's QueryDict (a dict in tests); the stubs say Mapping.
    return cast("QueryDict | dict[str, Any]", data).copy()


class StaleVersion(Exception):
    """The stored row is no longer the version the writer started from."""


def save_versioned(obj: models.Model, *, expected_version: int, **save_kwargs: Any) -> None:
    """Save ``obj`` only if its row still has ``expected_version``, and move it to the next one.

    The conditional UPDATE claims the row (and, on PostgreSQL, locks it until the transaction
    ends); the full save then writes the fields and the history record.
    """
    model = type(obj)
    with transaction.atomic():
        claimed = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
            version=expected_version + 1
        )
        if not claimed:
            raise StaleVersion
        obj.version = expected_version + 1  # type: ignore[attr-defined]  # every versioned model has a version field
        update_fields = save_kwargs.get("update_fields")
        if update_fields is not None:
            save_kwargs["update_fields"] = {*update_fields, "version"}
        obj.save(**save_kwargs)


def _shown(instance: models.Model, name: str) -> str:
    value = getattr(instance, name)
    field = concrete_field(instance, name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return str(value) if value is not None else "—"
    return "—" if value in (None, "") else str(value)


def _display(field: models.Field, value: object) -> str:
    """A stored value (a code, a key, a date) as a person reads it."""
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()  # type: ignore[union-attr]  # a relation's related_model is a model class once apps are loaded
        return str(related) if related is not None else "—"
    return str(value)


def _comparable(value: object) -> object:
    """Form values and stored values on one footing: related objects by their key."""
    if isinstance(value, models.Model):
        return value.pk
    return value


def _as_input(value: object) -> str:
    """A stored value as a form input sends it."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def version_entry(current: models.Model, version: int):
    """The history entry that recorded ``version`` of this row, if there is one."""
    history = getattr(type(current), "history", None)
    if history is None:
        return None
    return history.filter(id=current.pk, version=version).order_by("-history_date").first()


def describe_changes(current: models.Model, loaded_version: int) -> str:
    """'专业：社会保障 → 劳动与社会保障' for every field changed since ``loaded_version``."""
    before = version_entry(current, loaded_version)
    if before is None:
        return str(NO_VISIBLE_CHANGES)
    changes = []
    for field in current._meta.concrete_fields:
        if field.name in UNTRACKED_FIELDS:
            continue
        if not hasattr(before, field.attname):
            continue
        if getattr(before, field.attname) != getattr(current, field.attname):
            old = _shown(before.instance, field.name)
            changes.append(f"{field.verbose_name}：{old} → {_shown(current, field.name)}")
    return "；".join(changes) or str(NO_VISIBLE_CHANGES)


def conflict_error(current: models.Model, loaded_version: int) -> ValidationError:
    history = getattr(type(current), "history", None)
    latest = history.filter(id=current.pk).order_by("-history_date").first() if history else None
    who = str(latest.history_user) if latest and latest.history_user else str(SOMEONE)
    when = timezone.localtime(latest.history_date) if latest else timezone.localtime()
    return ValidationError(
        ERR_CONFLICT,
        code="stale_version",
        params={
            "who": who,
            "when": f"{when:%Y-%m-%d %H:%M:%S}",
            "version": current.version,  # type: ignore[attr-defined]  # every versioned model has a version field
            "changes": describe_changes(current, loaded_version),
        },
    )


class VersionedModelForm(forms.ModelForm):
    """A model form that carries the loaded ``version`` and refuses to save over a newer one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "version" in self.fields:
            self.fields["version"].widget = forms.HiddenInput()
            # A new row starts at the model's default; an existing one must say what it loaded.
            self.fields["version"].required = self.instance.pk is not None
        if self.is_bound:
            self._take_chosen_values()

    def _take_chosen_values(self) -> None:
        """A ticked 改用我填写的值 puts the user's own value back into its field."""
        chosen = {
            self.add_prefix(name): self.data[self.add_prefix(name) + KEEP_MINE_SUFFIX]
            for name in self.fields
            if self.add_prefix(name) + KEEP_MINE_SUFFIX in self.data
        }
        if chosen:
            data = _mutable_copy(self.data)
            for key, value in chosen.items():
                data[key] = value
            self.data = data

    def clean_version(self) -> int:
        loaded = self.cleaned_data.get("version")
        return self.instance.version if loaded is None else loaded

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        loaded = data.get("version")
        if self.instance.pk is None or loaded is None:
            return data
        model = type(self.instance)
        # Under a row lock held until the admin's transaction ends: no second save can slip
        # between this check and the write.
        with transaction.atomic():
            current = (
                model._default_manager.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
        if current is not None and current != loaded:
            stored = model._default_manager.get(pk=self.instance.pk)
            error = conflict_error(stored, loaded)
            self._merge_with(stored, loaded)
            raise error
        return data

    def _merge_with(self, stored: models.Model, loaded: int) -> None:
        """Show the saved values with the user's own changes re-applied; mark the clashes."""
        base = version_entry(stored, loaded)
        data = _mutable_copy(self.data)
        data[self.add_prefix("version")] = str(stored.version)  # type: ignore[attr-defined]  # every versioned model has a version field
        clashes: list[tuple[str, models.Field, object, object]] = []
        for name in self.fields:
            try:
                field = concrete_field(stored, name)
            except FieldDoesNotExist:
                continue
            if name in UNTRACKED_FIELDS or isinstance(field, models.FileField):
                continue  # a chosen file cannot travel back to the browser; it is re-chosen
            if name not in self.cleaned_data:
                continue  # the user's input did not pass: it stays as typed, with its error
            theirs = field.value_from_object(stored)
            mine = _comparable(self.cleaned_data[name])
            original = field.value_from_object(base.instance) if base is not None else None
            they_changed = base is None or theirs != original
            i_changed = base is None or mine != original
            if not they_changed or mine == theirs:
                continue  # the user's value stands (theirs, if equal)
            data[self.add_prefix(name)] = _as_input(theirs)
            if i_changed:
                clashes.append((name, field, theirs, mine))
        self.data = data
        for name, field, theirs, mine in clashes:
            self._mark_clash(name, field, theirs, mine)

    def _mark_clash(self, name: str, field: models.Field, theirs: object, mine: object) -> None:
        params = {"theirs": _display(field, theirs), "mine": _display(field, mine)}
        self.add_error(name, ValidationError(ERR_CLASH, code="clash", params=params))
        # The admin prints help text as HTML; the bound field copied it when it was made.
        self.fields[name].help_text = self[name].help_text = format_html(
            '<label class="staff-keep-mine"><input type="checkbox" name="{}" value="{}"> {}'
            "</label>",
            self.add_prefix(name) + KEEP_MINE_SUFFIX,
            _as_input(mine),
            KEEP_MINE % {"mine": params["mine"]},
        )
