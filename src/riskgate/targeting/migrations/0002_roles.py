"""The port-control permissions on the default roles: officers issue and view control rules, ports view them;
both screen declarations."""

from django.db import migrations

from riskgate.accounts.roles import grant_to_default_roles

PERMISSIONS = {"targeting:rule:view", "targeting:rule:manage", "targeting:declaration:screen"}


def forwards(apps, schema_editor):
    grant_to_default_roles(apps.get_model("accounts", "Role"), PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("targeting", "0001_initial"), ("accounts", "0003_default_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
