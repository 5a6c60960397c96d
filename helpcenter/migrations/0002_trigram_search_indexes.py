"""Trigram indexes for the help search on PostgreSQL.

Search uses ``icontains``, which PostgreSQL runs as ``UPPER(column) LIKE UPPER('%term%')``. A
GIN trigram index on ``UPPER(column)`` answers that without reading every article (for terms of
three or more characters; shorter ones still scan, which is fine at this size). SQLite has no
such index and simply scans, so this migration does nothing there. pg_trgm is a trusted
extension (PostgreSQL 13+): the database owner may create it.
"""

from django.db import migrations

COLUMNS = ["title_zh", "title_en", "body_zh", "body_en"]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS helpcenter_article_{column}_trgm "
            f"ON helpcenter_article USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS helpcenter_article_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("helpcenter", "0001_help_content")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
