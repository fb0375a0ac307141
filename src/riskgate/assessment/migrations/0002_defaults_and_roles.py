"""Default assessment time limits and grading policy (data an administrator changes later), and the new
assessment permissions on the default roles."""

from django.db import migrations

from riskgate.accounts.roles import grant_to_default_roles

PERMISSIONS = {
    "assessment:assessment:view",
    "assessment:assessment:request",
    "assessment:assessment:conduct",
    "assessment:report:vote",
    "assessment:registry:view",
}


def forwards(apps, schema_editor):
    from riskgate.assessment.models import ensure_defaults

    ensure_defaults(apps.get_model("assessment", "DueDateRule"), apps.get_model("assessment", "GradingPolicy"))
    grant_to_default_roles(apps.get_model("accounts", "Role"), PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial"), ("accounts", "0003_default_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
