"""The monitoring roles: plan, sample and spot-check permissions on the default roles, and the new role of the
monitoring points' and laboratories' staff."""

from django.db import migrations

from riskgate.accounts.roles import ensure_default_roles, grant_to_default_roles

PERMISSIONS = {
    "monitoring:plan:view",
    "monitoring:plan:manage",
    "monitoring:sample:submit",
    "monitoring:result:own",
    "monitoring:spotcheck:manage",
    "monitoring:spotcheck:inspect",
}


def forwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    ensure_default_roles(Role)
    grant_to_default_roles(Role, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0004_plans_points_samples_spot_checks")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
