# Credit events belong to the credit app now (credit 0001 adopted the table): forget the model here, keep the table.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("response", "0006_consumers_proof"), ("credit", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="CreditEvent")], database_operations=[])
    ]
