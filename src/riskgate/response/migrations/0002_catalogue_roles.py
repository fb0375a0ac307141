"""The measures catalogue a fresh installation starts with (Reg. Art.22; Plan §四, R-RR-1), and the
rapid-response permissions on the default roles. Afterwards the catalogue is data kept in the admin."""

from django.db import migrations

from riskgate.accounts.roles import grant_to_default_roles
from riskgate.response.catalogue import ensure_catalogue

PERMISSIONS = {"response:measure:view", "response:measure:order", "response:measure:execute",
               "response:measure:lift", "response:obligation:fulfil", "response:obligation:evaluate"}


def forwards(apps, schema_editor):
    grant_to_default_roles(apps.get_model("accounts", "Role"), PERMISSIONS)
    ensure_catalogue(apps.get_model("response", "MeasureKind"))


class Migration(migrations.Migration):
    dependencies = [("response", "0001_initial"), ("accounts", "0004_organisation_credit_grade")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
