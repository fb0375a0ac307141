"""Archive permissions on the default roles: warning offices and bureaus keep the archive (classify, hold, submit
and approve disposals — never both for one review); auditors read it."""

from django.db import migrations

from riskgate.accounts.roles import ensure_default_roles, grant_to_default_roles


def forwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    ensure_default_roles(Role)
    grant_to_default_roles(Role, {"archive:record:view", "archive:record:manage", "archive:disposal:approve"})


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial"), ("accounts", "0006_api_token_account")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
