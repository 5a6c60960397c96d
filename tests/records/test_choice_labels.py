"""``get_FOO_display()`` on record models answers from a label map built once per field
(records.models.ChoiceLabels) and must read exactly as Django's own version, in either language."""

from __future__ import annotations

import pytest
from django.db import models
from django.utils import translation

from records import models as records_models

LABELLED = [
    model
    for model in vars(records_models).values()
    if isinstance(model, type)
    and issubclass(model, models.Model)
    and issubclass(model, records_models.ChoiceLabels)
]
CHOICE_FIELDS = [
    (model, field) for model in LABELLED for field in model._meta.concrete_fields if field.choices
]


def _django_display(instance: models.Model, field: models.Field) -> object:
    return models.Model._get_FIELD_display(instance, field)  # type: ignore[attr-defined]  # private Django method the stubs leave out


def test_every_record_model_with_coded_fields_uses_the_label_map():
    coded = {
        model
        for model in vars(records_models).values()
        if isinstance(model, type)
        and issubclass(model, models.Model)
        and not model._meta.abstract
        and model.__module__ == records_models.__name__
        and not model.__name__.startswith("Historical")  # simple_history's audit copies
        and any(field.choices for field in model._meta.concrete_fields)
    }
    assert coded <= set(LABELLED), sorted(model.__name__ for model in coded - set(LABELLED))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    ("model", "field"), CHOICE_FIELDS, ids=[f"{m.__name__}.{f.name}" for m, f in CHOICE_FIELDS]
)
def test_labels_read_as_djangos_own_in_each_language(model, field, language):
    instance = model()
    with translation.override(language):
        for value, _label in field.flatchoices:
            setattr(instance, field.attname, value)
            ours = getattr(instance, f"get_{field.name}_display")()
            assert ours == _django_display(instance, field)
            assert isinstance(ours, str)


def test_an_unknown_code_shows_as_itself():
    person = records_models.Person(ethnicity="99")
    assert person.get_ethnicity_display() == "99"


def test_the_label_follows_a_language_switch():
    person = records_models.Person(ethnicity="01")
    with translation.override("zh-hans"):
        chinese = person.get_ethnicity_display()
    with translation.override("en"):
        english = person.get_ethnicity_display()
    assert chinese == "汉族"
    assert english != chinese
