"""Model fields looked up by name, typed as what the callers use them for."""

from __future__ import annotations

from django.db import models


def concrete_field(model: type[models.Model] | models.Model, name: str) -> models.Field:
    """``_meta.get_field`` for a field of the model itself, not a reverse relation.

    Raises FieldDoesNotExist for an unknown name, as ``get_field`` does, and TypeError for the
    name of a reverse relation or a generic foreign key, which callers never pass.
    """
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model._meta.label}.{name} is not a concrete field")
    return field
