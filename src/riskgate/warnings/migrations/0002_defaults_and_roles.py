"""The shipped authority rules and publication time limits, the warning permissions on the default roles, and the
full-text index of the warnings' tokens."""

from django.db import migrations

from riskgate.accounts.roles import grant_to_default_roles
from riskgate.core.search import create_search_index, drop_search_index

TABLE = "riskwarnings_warningnotice"

PERMISSIONS = {"warning:notice:view", "warning:notice:draft", "warning:notice:approve", "warning:notice:receive"}


def forwards(apps, schema_editor):
    from riskgate.warnings.models import ensure_defaults

    ensure_defaults(apps.get_model("riskwarnings", "AuthorityRule"), apps.get_model("riskwarnings", "PublicationLimit"))
    grant_to_default_roles(apps.get_model("accounts", "Role"), PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("riskwarnings", "0001_initial"), ("accounts", "0003_default_roles")]
    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RunPython(
            lambda apps, editor: create_search_index(editor.connection, TABLE),
            lambda apps, editor: drop_search_index(editor.connection, TABLE),
        ),
    ]
