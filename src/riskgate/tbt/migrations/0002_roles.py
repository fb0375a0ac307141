"""Technical-trade-measure permissions on the default roles: authorities register notifications, alert exporters
and comment; port officers read; enterprises read what concerns them and comment."""

from django.db import migrations

from riskgate.accounts.roles import ensure_default_roles, grant_to_default_roles


def forwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    ensure_default_roles(Role)
    grant_to_default_roles(Role, {"tbt:notification:view", "tbt:notification:manage", "tbt:comment:write"})


class Migration(migrations.Migration):
    dependencies = [("tbt", "0001_initial"), ("accounts", "0006_api_token_account")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
