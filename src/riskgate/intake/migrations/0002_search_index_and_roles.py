from django.db import migrations

from riskgate.accounts.roles import grant_to_default_roles
from riskgate.core.search import sqlite_fts_sql

TABLE = "intake_riskinformation"
INTAKE_PERMISSIONS = {
    "intake:information:view", "intake:information:create", "intake:information:process",
    "intake:information:export", "intake:reporter:view", "intake:import:run",
}  # fmt: skip


def create_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "sqlite":
            for statement in sqlite_fts_sql(TABLE):
                cursor.execute(statement)
        elif schema_editor.connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE INDEX intake_riskinformation_search ON {TABLE} USING GIN (to_tsvector('simple', search_tokens))"
            )


def drop_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "sqlite":
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}_fts")
            for suffix in ("ai", "ad", "au"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_fts_{suffix}")
        elif schema_editor.connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS intake_riskinformation_search")


def grant(apps, schema_editor):
    grant_to_default_roles(apps.get_model("accounts", "Role"), INTAKE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial"), ("accounts", "0003_default_roles")]
    operations = [
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
