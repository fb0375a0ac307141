# The adopted credit events table takes the credit app's name.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial"), ("response", "0007_credit_events_to_credit")]

    operations = [migrations.AlterModelTable(name="creditevent", table=None)]
