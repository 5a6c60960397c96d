"""On PostgreSQL the database itself refuses to change or delete access log rows.

The model and its queryset refuse in code; this trigger also stops raw SQL, bulk statements
and any other client. The one update it lets through is the one Django makes when an account
is deleted: ``actor`` becomes NULL while the row keeps ``actor_label``. Other databases (the
SQLite demo) rely on the code-level guard.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
       AND (NEW.id, NEW.actor_label, NEW.created_at, NEW.action, NEW.target, NEW.path,
            NEW.ip_prefix)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.actor_label, OLD.created_at, OLD.action, OLD.target, OLD.path,
            OLD.ip_prefix)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_accesslog is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""
TRIGGER = """
CREATE TRIGGER audit_accesslog_append_only
    BEFORE UPDATE OR DELETE ON audit_accesslog
    FOR EACH ROW EXECUTE FUNCTION audit_accesslog_append_only()
"""
DROP = [
    "DROP TRIGGER IF EXISTS audit_accesslog_append_only ON audit_accesslog",
    "DROP FUNCTION IF EXISTS audit_accesslog_append_only()",
]


def create_trigger(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        # params=None: the statements are sent as they are ("%" is not a placeholder).
        for statement in (FUNCTION, TRIGGER):
            schema_editor.execute(statement, params=None)


def drop_trigger(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_history_reads_and_full_id_exports")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
