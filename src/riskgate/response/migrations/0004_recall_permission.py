"""The recall permission on the default officer roles."""

from django.db import migrations

from riskgate.accounts.roles import grant_to_default_roles


def forwards(apps, schema_editor):
    grant_to_default_roles(apps.get_model("accounts", "Role"), {"response:recall:manage"})


class Migration(migrations.Migration):
    dependencies = [("response", "0003_recalls")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
