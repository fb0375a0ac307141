from django.db import migrations

from riskgate.accounts.roles import ensure_default_roles


def forwards(apps, schema_editor):
    ensure_default_roles(apps.get_model("accounts", "Role"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
