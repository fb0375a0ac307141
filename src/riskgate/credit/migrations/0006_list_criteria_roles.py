"""The starting list criteria (credit.catalogue.LIST_CRITERIA) and the enterprises' permission to apply for
credit repair."""

from django.db import migrations

from riskgate.accounts.roles import ensure_default_roles, grant_to_default_roles
from riskgate.credit.catalogue import ensure_list_criteria


def forwards(apps, schema_editor):
    ensure_list_criteria(apps.get_model("credit", "ListCriterion"))
    Role = apps.get_model("accounts", "Role")
    ensure_default_roles(Role)
    grant_to_default_roles(Role, {"credit:repair:apply"})


class Migration(migrations.Migration):
    dependencies = [("credit", "0005_lists_and_repair")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
