from django.db import migrations

from riskgate.accounts.roles import grant_to_default_roles
from riskgate.core.search import create_search_index, drop_search_index

TABLE = "intake_riskinformation"
INTAKE_PERMISSIONS = {
    "intake:information:view", "intake:information:create", "intake:information:process",
    "intake:information:export", "intake:reporter:view", "intake:import:run",
}


def create_index(apps, schema_editor):
    create_search_index(schema_editor.connection, TABLE)


def drop_index(apps, schema_editor):
    drop_search_index(schema_editor.connection, TABLE)


def grant(apps, schema_editor):
    grant_to_default_roles(apps.get_model("accounts", "Role"), INTAKE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial"), ("accounts", "0003_default_roles")]
    operations = [
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
