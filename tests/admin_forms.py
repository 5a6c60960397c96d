"""Read an admin change page's form back as POST data, the way a browser would submit it."""

from __future__ import annotations

import datetime

from django.db.models.fields.files import FieldFile


def _value(value: object) -> object:
    if value is None or value is False:
        return None
    if value is True:
        return "on"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return None  # an untouched file input sends nothing and keeps the file
    return value


def _add_form(data: dict[str, object], form) -> None:
    for name in form.fields:
        value = _value(form[name].value())
        if value is not None:
            data[form.add_prefix(name)] = value


def admin_form_data(response) -> dict[str, object]:
    """The main form and every inline formset (with management forms) of a change page."""
    data: dict[str, object] = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _add_form(data, formset.management_form)
        for form in formset.forms:
            _add_form(data, form)
    return data
