"""Traceability permissions on the default roles: officers read the chains of their jurisdiction; enterprises
capture their own events and issue the API tokens their systems capture with."""

from django.db import migrations

from riskgate.accounts.roles import ensure_default_roles, grant_to_default_roles


def forwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    ensure_default_roles(Role)
    grant_to_default_roles(Role, {"trace:event:view", "trace:event:capture", "api:token:manage"})


class Migration(migrations.Migration):
    dependencies = [("trace", "0001_initial"), ("accounts", "0006_api_token_account")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
