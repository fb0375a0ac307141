"""The monitoring-signal permissions on the default roles (the warning office's analysts)."""

from django.db import migrations

from riskgate.accounts.roles import grant_to_default_roles

PERMISSIONS = {"monitoring:signal:view", "monitoring:signal:decide"}


def forwards(apps, schema_editor):
    grant_to_default_roles(apps.get_model("accounts", "Role"), PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
