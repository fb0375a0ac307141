from django.db import migrations

from riskgate.accounts.roles import grant_to_default_roles


def grant(apps, schema_editor):
    grant_to_default_roles(apps.get_model("accounts", "Role"), {"intake:enterprise_report:submit"})


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_receipts_and_control_measures")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
