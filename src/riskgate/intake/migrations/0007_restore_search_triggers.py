"""SQLite dropped the search triggers when migrations 0003 and 0005 rebuilt the table; recreate and reindex."""

from django.db import migrations

from riskgate.core.search import ensure_sqlite_fts


def forwards(apps, schema_editor):
    ensure_sqlite_fts(schema_editor.connection, "intake_riskinformation")


class Migration(migrations.Migration):
    dependencies = [("intake", "0006_default_time_limits")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
