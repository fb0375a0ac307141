# The credit grade lives in the credit app (credit 0001 copied every enterprise's grade there first).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_organisation_credit_grade"), ("credit", "0001_initial")]

    operations = [migrations.RemoveField(model_name="organisation", name="credit_grade")]
