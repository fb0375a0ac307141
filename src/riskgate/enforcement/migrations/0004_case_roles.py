"""Enforcement-case permissions on the default roles: warning offices and bureaus manage interviews, supervised
cases, penalty cases, campaigns, benchmarks and publicity; enterprises read the cases that concern them."""

from django.db import migrations

from riskgate.accounts.roles import ensure_default_roles, grant_to_default_roles


def forwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    ensure_default_roles(Role)
    grant_to_default_roles(Role, {"enforcement:case:view", "enforcement:case:manage"})


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0003_cases_campaigns_benchmarks")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
