"""The help content that ships with the portal (fixtures/help_content.json).

``seed_demo`` calls ``load_help_content``. Unlike ``loaddata`` it only adds what is missing, so
running the seed again neither duplicates anything nor overwrites what staff have since edited
in the admin. Categories and articles are matched by slug, announcements and synonym groups by their
fixed id.
"""

from __future__ import annotations

from pathlib import Path

from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction

from .models import Announcement, SearchSynonym

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "help_content.json"


@transaction.atomic
def load_help_content(fixture: Path = FIXTURE) -> int:
    """Add the shipped categories, articles, announcements and search synonyms not there yet."""
    created = 0
    with fixture.open(encoding="utf-8") as stream:
        for item in serializers.deserialize("json", stream):
            obj = item.object
            # With natural keys the deserializer has already found an existing row's pk.
            if obj.pk is not None and type(obj)._default_manager.filter(pk=obj.pk).exists():
                continue
            item.save()
            created += 1
    if created:
        # Rows inserted with explicit ids leave PostgreSQL's sequence behind; catch it up so the
        # next announcement staff add does not collide (loaddata does the same).
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Announcement, SearchSynonym]):
                cursor.execute(sql)
    return created
