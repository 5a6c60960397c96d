"""Optimistic locking: two staff editing one record cannot silently overwrite each other.

Person, Enrollment, Qualification and DegreeAward carry a ``version``. A form remembers the
version it was loaded with (a hidden field); saving compares it with the stored one under a row
lock and increments it in the same UPDATE. A stale form is refused with ``ERR_CONFLICT`` and a
list of what the other person changed, so nothing of the first save is lost. Every other writer
(correction approval, roster import) goes through ``save_versioned`` too, so a form left open
while a correction is applied becomes stale.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ERR_CONFLICT = _(
    "保存未生效：在您编辑期间，%(who)s 于 %(when)s 修改并保存了这条记录（当前为第 %(version)s "
    "版）。为避免覆盖对方的修改，您填写的内容尚未保存。对方的修改：%(changes)s。请核对后再保存；"
    "再次点击保存将以您填写的内容为准。"
)
NO_VISIBLE_CHANGES = _("（无可显示的字段变化）")
SOMEONE = _("其他工作人员")


class StaleVersion(Exception):
    """The stored row is no longer the version the writer started from."""


def save_versioned(obj: models.Model, *, expected_version: int, **save_kwargs: object) -> None:
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
        obj.version = expected_version + 1  # type: ignore[attr-defined]
        update_fields = save_kwargs.get("update_fields")
        if update_fields is not None:
            save_kwargs["update_fields"] = {*update_fields, "version"}  # type: ignore[misc]
        obj.save(**save_kwargs)


def _shown(instance: models.Model, name: str) -> str:
    value = getattr(instance, name)
    field = instance._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return str(value) if value is not None else "—"
    return "—" if value in (None, "") else str(value)


def describe_changes(current: models.Model, loaded_version: int) -> str:
    """'专业：社会保障 → 劳动与社会保障' for every field changed since ``loaded_version``."""
    history = getattr(type(current), "history", None)
    before = None
    if history is not None:
        before = (
            history.filter(id=current.pk, version=loaded_version).order_by("-history_date").first()
        )
    if before is None:
        return str(NO_VISIBLE_CHANGES)
    changes = []
    for field in current._meta.concrete_fields:
        if field.name in {"id", "version", "updated_at", "created_at", "public_id"}:
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
            "version": current.version,  # type: ignore[attr-defined]
            "changes": describe_changes(current, loaded_version),
        },
    )


class VersionedModelForm(forms.ModelForm):
    """A model form that carries the loaded ``version`` and refuses to save over a newer one."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if "version" in self.fields:
            self.fields["version"].widget = forms.HiddenInput()
            # A new row starts at the model's default; an existing one must say what it loaded.
            self.fields["version"].required = self.instance.pk is not None

    def clean_version(self) -> int:
        loaded = self.cleaned_data.get("version")
        return self.instance.version if loaded is None else loaded  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean()
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
            # The form comes back with the stored version, so saving again is a deliberate
            # choice made after reading what the other person changed.
            self.data = self.data.copy()
            self.data[self.add_prefix("version")] = current
            raise error
        return data
