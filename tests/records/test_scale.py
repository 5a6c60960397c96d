"""``seed_demo --persons N``: scale people written with COPY on PostgreSQL, bulk_create elsewhere.
Both paths must fill every column the models have, including ones added later."""

from __future__ import annotations

import pytest

from records import scale
from records.models import Enrollment, Person

pytestmark = pytest.mark.django_db


def test_scale_people_are_added_once_with_every_column_filled(people):
    before_people, before_enrollments = Person.objects.count(), Enrollment.objects.count()
    assert scale.seed_scale(300) == 300
    assert Person.objects.count() == before_people + 300
    assert Enrollment.objects.count() == before_enrollments + 300
    added = Enrollment.objects.order_by("-pk")[:300]
    assert all(e.withdrawn_at is None and e.withdrawn_reason == "" for e in added)
    assert scale.seed_scale(300) == 0
    assert scale.seed_scale(350) == 50
    assert Person.objects.count() == before_people + 350
