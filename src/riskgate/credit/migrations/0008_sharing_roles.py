"""Partner agencies may pull credit-sharing packages (within a sharing scope the administrator sets)."""

from django.db import migrations

from riskgate.accounts.roles import ensure_default_roles, grant_to_default_roles


def forwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    ensure_default_roles(Role)
    grant_to_default_roles(Role, {"credit:share:pull"})


class Migration(migrations.Migration):
    dependencies = [("credit", "0007_sharing")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
