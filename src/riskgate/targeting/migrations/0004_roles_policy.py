"""The inspection-task and supervision-policy permissions on the default roles, and the differential-supervision
policy a fresh installation starts with (targeting.supervision.DEFAULT_POLICY; officers change it afterwards)."""

from django.db import migrations

from riskgate.accounts.roles import grant_to_default_roles

PERMISSIONS = {"targeting:task:view", "targeting:task:record", "targeting:policy:manage"}
# The default policy as it stood when this migration was written (a migration never follows later code).
POLICY = {
    "grade_factors": {"advanced": 0.2, "regular": 1.0, "dishonest": 3.0},
    "default_grade": "regular",
    "commodity_factors": {},
    "record_tiers": [[0.05, 1.5], [0.15, 2.5]],
    "record_window_days": 365,
    "record_min_inspections": 20,
    "random_rate": 0.02,
    "min_random_rate": 0.005,
    "random_action": "inspect",
}


def forwards(apps, schema_editor):
    grant_to_default_roles(apps.get_model("accounts", "Role"), PERMISSIONS)
    Policy = apps.get_model("targeting", "SupervisionPolicy")
    if not Policy.objects.exists():
        Policy.objects.create(**POLICY, reason="初始政策")


class Migration(migrations.Migration):
    dependencies = [("targeting", "0003_inspection_supervision"), ("accounts", "0004_organisation_credit_grade")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
