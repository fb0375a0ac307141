"""The shipped authority rules and publication time limits, and the warning permissions on the default roles."""

from django.db import migrations

from riskgate.accounts.roles import grant_to_default_roles

PERMISSIONS = {"warning:notice:view", "warning:notice:draft", "warning:notice:approve"}


def forwards(apps, schema_editor):
    from riskgate.warnings.models import ensure_defaults

    ensure_defaults(apps.get_model("riskwarnings", "AuthorityRule"), apps.get_model("riskwarnings", "PublicationLimit"))
    grant_to_default_roles(apps.get_model("accounts", "Role"), PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("riskwarnings", "0001_initial"), ("accounts", "0003_default_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
