"""Transfer permissions on the default roles: warning offices and bureaus send, partner agencies receive."""

from django.db import migrations

from riskgate.accounts.roles import ensure_default_roles, grant_to_default_roles


def forwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    ensure_default_roles(Role)
    grant_to_default_roles(Role, {"enforcement:transfer:manage", "enforcement:transfer:receive"})


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial"), ("accounts", "0006_api_token_account")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
